import { ConnectionType, type Connection } from '@guildhall/core';
import { AccountModel } from '@guildhall/identity';

/** `AccountConnection`/`AccountEdge`: defined once here, since a GraphQL type name may exist only once. */
export const AccountConnection = ConnectionType(AccountModel, 'Account');
export type AccountConnection = Connection<AccountModel>;
