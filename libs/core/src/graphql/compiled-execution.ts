import { Logger } from '@nestjs/common';
import {
  type DocumentNode,
  execute,
  type ExecutionResult,
  getVariableValues,
  GraphQLError,
  type GraphQLSchema,
  type OperationDefinitionNode,
  OperationTypeNode,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import { BoundedMap } from '../collections/bounded';

const logger = new Logger('GraphQLCompiledExecution');

/** Distinct query operations compiled at once per process: a bounded LRU (each holds generated code). */
export const COMPILED_OPERATIONS = 500;
/** A query runs through graphql-js this many times before it is compiled: one-off documents never are. */
export const COMPILE_AFTER_RUNS = 2;

/** What Apollo's gateway executor hands over (a structural subset of GatewayGraphQLRequestContext). */
export interface ExecutorRequest {
  request: { operationName?: string; variables?: Record<string, unknown> };
  document: DocumentNode;
  operation?: OperationDefinitionNode;
  queryHash: string;
  context: Record<string, unknown>;
}

/**
 * graphql-jit's errors only look like graphql-js's (no `extensions` object when the cause had
 * none, which Apollo's formatting reads): the same error as graphql-js's `locatedError` makes.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const located = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
  });
  // graphql-js derives `locations` from AST nodes, which graphql-jit does not keep: carry them over.
  return Object.assign(located, { locations: error.locations });
}

type Slot = { runs: number } | { compiled: CompiledQuery } | { uncompilable: true };

/**
 * Runs repeated query operations through graphql-jit (ADR 0053): a document Apollo parsed and
 * validated (its own document cache) is compiled once it has been seen COMPILE_AFTER_RUNS times,
 * per (query text, operation name), and kept in a bounded LRU. Everything else runs through
 * graphql-js exactly as Apollo would: mutations and subscriptions, the first runs of a document,
 * a document graphql-jit cannot compile, and variables that do not coerce (so their errors read
 * as graphql-js words them).
 */
export class CompiledExecution {
  private readonly slots = new BoundedMap<string, Slot>(COMPILED_OPERATIONS);

  constructor(private readonly getSchema: () => GraphQLSchema) {}

  async execute(request: ExecutorRequest): Promise<ExecutionResult> {
    const schema = this.getSchema();
    const { document, context } = request;
    const { operationName, variables } = request.request;
    const compiled =
      request.operation?.operation === OperationTypeNode.QUERY ? this.compiledFor(schema, request) : null;
    if (compiled && this.variablesCoerce(schema, request.operation!, variables)) {
      const result = await compiled.query(undefined, context, variables ?? {});
      return result.errors?.length ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result;
    }
    return execute({ schema, document, contextValue: context, variableValues: variables, operationName });
  }

  private compiledFor(schema: GraphQLSchema, request: ExecutorRequest): CompiledQuery | null {
    const key = `${request.request.operationName ?? ''}\u0000${request.queryHash}`;
    let slot = this.slots.get(key);
    if (slot) {
      this.slots.delete(key); // most recently used last
    } else {
      slot = { runs: 0 };
    }
    if ('runs' in slot && ++slot.runs >= COMPILE_AFTER_RUNS) slot = this.compile(schema, request);
    this.slots.set(key, slot);
    return 'compiled' in slot ? slot.compiled : null;
  }

  private compile(schema: GraphQLSchema, request: ExecutorRequest): Slot {
    try {
      const result = compileQuery(schema, request.document, request.request.operationName, {
        // graphql-jit's own skip/include handling of fragment spreads is the one it documents as wrong.
        useExperimentalPathBasedSkipInclude: true,
      });
      if (isCompiledQuery(result)) return { compiled: result };
      logger.warn({ msg: 'query not compiled; graphql-js runs it', detail: result.errors?.[0]?.message });
    } catch (error) {
      logger.warn({ msg: 'query not compiled; graphql-js runs it', err: error });
    }
    return { uncompilable: true };
  }

  /** Whether graphql-js would accept these variables (an operation without any always does). */
  private variablesCoerce(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown> | undefined,
  ): boolean {
    const definitions = operation.variableDefinitions ?? [];
    if (definitions.length === 0) return true;
    return !getVariableValues(schema, definitions, variables ?? {}).errors;
  }
}

/** The part of Apollo's gateway interface an executor override needs (see compiledExecutionGateway). */
export interface ExecutorGateway {
  onSchemaLoadOrUpdate(callback: (schema: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void): () => void;
  load(options: unknown): Promise<{ executor: (request: ExecutorRequest) => Promise<ExecutionResult> }>;
  stop(): Promise<void>;
}

/**
 * Apollo Server's one hook to replace graphql-js's `execute`: a "gateway" that serves the schema
 * Nest built and executes with CompiledExecution. Parsing, validation (with the document cache),
 * plugins, error formatting and the HTTP response stay Apollo's.
 */
export function compiledExecutionGateway(getSchema: () => GraphQLSchema): ExecutorGateway {
  const execution = new CompiledExecution(getSchema);
  let listener: ((schema: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void) | undefined;
  return {
    onSchemaLoadOrUpdate(callback) {
      listener = callback;
      return () => (listener = undefined);
    },
    load() {
      listener?.({ apiSchema: getSchema(), coreSupergraphSdl: '' });
      return Promise.resolve({ executor: (request: ExecutorRequest) => execution.execute(request) });
    },
    stop: () => Promise.resolve(),
  };
}
