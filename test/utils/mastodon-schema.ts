import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Validates Mastodon client API responses against the published OpenAPI description of
 * Mastodon's API (test/fixtures/mastodon-openapi): `expectMastodonResponse('GET',
 * '/api/v1/statuses/123', 200, body)` finds the documented path template and checks the body
 * against its response schema, so an entity that drifts from Mastodon's shape fails a test.
 */
interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>>;
}

const DOCUMENT_ID = 'https://guildhall.test/mastodon-openapi.json';
const document = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/mastodon-openapi/schema.json'), 'utf8'),
) as OpenApiDocument & Record<string, unknown>;

let ajv: Ajv2020 | null = null;
const compiled = new Map<string, ValidateFunction>();

function validator(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(ajv);
    ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  }
  return ajv;
}

const templates = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
  // Literal segments beat parameters: /api/v1/accounts/lookup before /api/v1/accounts/{id}.
  params: (template.match(/\{/g) ?? []).length,
}));

/** The documented template a concrete path matches (`/api/v1/accounts/{id}`), or undefined. */
export function documentedPath(path: string): string | undefined {
  const bare = path.split('?')[0];
  return templates.filter(({ pattern }) => pattern.test(bare)).sort((a, b) => a.params - b.params)[0]?.template;
}

function pointer(...segments: string[]): string {
  return segments.map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

/** Validation errors of `body` against the documented response, or throws when undocumented. */
export function mastodonSchemaErrors(method: string, path: string, status: number, body: unknown): ErrorObject[] {
  const template = documentedPath(path);
  if (!template) throw new Error(`${path} is not in Mastodon's API description`);
  const verb = method.toLowerCase();
  const response = document.paths[template]?.[verb]?.responses?.[String(status)];
  const content = response?.content?.['application/json'];
  if (!content) throw new Error(`${method} ${template} ${status} has no documented JSON response`);
  const ref = `${DOCUMENT_ID}#/${pointer('paths', template, verb, 'responses', String(status), 'content', 'application/json', 'schema')}`;
  let validate = compiled.get(ref);
  if (!validate) {
    validate = validator().compile({ $ref: ref });
    compiled.set(ref, validate);
  }
  return validate(body) ? [] : (validate.errors ?? []);
}

/** Fails with readable errors when `body` does not match Mastodon's documented response. */
export function expectMastodonResponse(method: string, path: string, status: number, body: unknown): void {
  const errors = mastodonSchemaErrors(method, path, status, body);
  if (errors.length) {
    const lines = errors
      .slice(0, 20)
      .map((e) => `  ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    throw new Error(`${method} ${path} ${status} does not match Mastodon's schema:\n${lines.join('\n')}`);
  }
}
