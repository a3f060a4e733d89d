import type { ModuleRef } from '@nestjs/core';
import { buildSchema, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { resolvePostFieldsDirectly } from './post-fields.direct';
import { PostResolver } from './post.resolver';

describe('resolvePostFieldsDirectly', () => {
  it("makes Post.author and Post.media call PostResolver's methods with the parent and the request's loaders", async () => {
    const schema = buildSchema(
      'type Account { id: ID! } type Media { id: ID! } type Post { id: ID! author: Account! media: [Media!]! } type Query { post: Post }',
    );
    const resolver = {
      author: jest.fn().mockResolvedValue({ id: 'alice' }),
      media: jest.fn().mockResolvedValue([{ id: 'm1' }]),
    };
    const get = jest.fn().mockReturnValue(resolver);
    resolvePostFieldsDirectly(schema, { get } as unknown as ModuleRef);

    expect(get).toHaveBeenCalledWith(PostResolver, { strict: false });
    const fields = (schema.getType('Post') as GraphQLObjectType).getFields();
    const post = { id: 'p1', accountId: 'alice' };
    const loaders = { get: jest.fn() };
    const info = {} as GraphQLResolveInfo;
    await expect(fields.author.resolve!(post, {}, { loaders }, info)).resolves.toEqual({ id: 'alice' });
    await expect(fields.media.resolve!(post, {}, { loaders }, info)).resolves.toEqual([{ id: 'm1' }]);
    expect(resolver.author).toHaveBeenCalledWith(post, loaders);
    expect(resolver.media).toHaveBeenCalledWith(post, loaders);
    expect(fields.id.resolve).toBeUndefined();
  });
});
