import type { ModuleRef } from '@nestjs/core';
import type { GraphQLObjectType, GraphQLSchema } from 'graphql';
import type { RequestLoaders } from '@guildhall/core';
import type { PostModel } from './post.model';
import { PostResolver } from './post.resolver';

/**
 * `Post.author` and `Post.media` call PostResolver's methods directly instead of through Nest's
 * per-call pipeline (parameter extraction, the global pipes for each parameter, the empty
 * interceptor chain): a HOME page resolves both for each of its 20 posts, and that pipeline was
 * 5% of its CPU (ADR 0068). The methods themselves are unchanged and still Nest's for every
 * other caller. Both take only `@Parent()` and `@Context('loaders')`, neither of which a pipe
 * checks, and field resolvers run no guards (no `fieldResolverEnhancers`), so nothing is skipped;
 * a field given a guard, an interceptor or an argument must leave this list.
 */
export function resolvePostFieldsDirectly(schema: GraphQLSchema, modules: ModuleRef): void {
  const resolver = modules.get(PostResolver, { strict: false });
  const fields = (schema.getType('Post') as GraphQLObjectType<PostModel, { loaders: RequestLoaders }>).getFields();
  fields.author.resolve = (post, _args, context) => resolver.author(post, context.loaders);
  fields.media.resolve = (post, _args, context) => resolver.media(post, context.loaders);
}
