import type { Response } from 'supertest';
import type { TestApp } from './test-app';

/** A browser's cookies and origin, for driving the OAuth pages' forms with supertest. */
export class FormClient {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly t: TestApp,
    readonly origin: string,
  ) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  private keep(res: Response): Response {
    const set = res.headers['set-cookie'] as unknown as string[] | undefined;
    for (const line of set ?? []) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value === '' || /Max-Age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  async get(path: string): Promise<Response> {
    return this.keep(await this.t.http().get(path).set('cookie', this.cookieHeader).set('accept', 'text/html'));
  }

  async post(path: string, form: Record<string, string>, origin: string | null = this.origin): Promise<Response> {
    const req = this.t.http().post(path).type('form').set('cookie', this.cookieHeader);
    if (origin !== null) req.set('origin', origin);
    return this.keep(await req.send(new URLSearchParams(form).toString()));
  }

  /** Signs in through the form (the page at `path` must show it); resolves to the POST's response. */
  async signIn(login: string, password: string, path = '/auth/sign_in'): Promise<Response> {
    const page = await this.get(path);
    return this.post('/auth/sign_in', {
      authenticity_token: csrfOf(page.text),
      return_to: hiddenValue(page.text, 'return_to'),
      login,
      password,
    });
  }
}

function decode(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function hiddenValue(html: string, name: string): string {
  const found = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!found) throw new Error(`no ${name} field in the page`);
  return decode(found[1]);
}

export function csrfOf(html: string): string {
  return hiddenValue(html, 'authenticity_token');
}

/** Every hidden field of the first form posting to `action`. */
export function formFields(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const match of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[match[1]] = decode(match[2]);
  }
  return fields;
}
