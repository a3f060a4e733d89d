import { type Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DEFAULT_PAGE_SIZE, encodeCursor, MAX_PAGE_SIZE, type Page } from '../pagination/cursor';
import { RememberValid } from '../validation/remember-valid';
import { perItemComplexity } from './complexity.estimators';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

/**
 * `first` (1–40, default 20) and `after` (an opaque cursor) for every connection. Its valid
 * values, and its subclasses', are remembered by the global pipe (RememberValid): every page of
 * every list asks with a few of them.
 */
@ArgsType()
@RememberValid()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_PAGE_SIZE, description: `1 to ${MAX_PAGE_SIZE}` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = DEFAULT_PAGE_SIZE;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for a node type (Relay). */
export function ConnectionType<T>(node: Type<T>, name: string): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field()
    cursor: string;

    @Field(() => node)
    node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType], { complexity: perItemComplexity })
    edges: EdgeType[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;
  }
  return ConnectionClass;
}

/** Maps a page of rows to a connection; the cursor of a node is its (time-ordered) id. */
export function toConnection<R extends { id: string }, T>(page: Page<R>, map: (row: R) => T): Connection<T> {
  const edges = page.items.map((row) => ({ cursor: encodeCursor(row.id), node: map(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
  };
}
