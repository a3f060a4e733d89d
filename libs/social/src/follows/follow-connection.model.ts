import { ConnectionType, type Connection } from '@guildhall/core';
import { FollowModel } from './follow.model';

export const FollowConnection = ConnectionType(FollowModel, 'Follow');
export type FollowConnection = Connection<FollowModel>;
