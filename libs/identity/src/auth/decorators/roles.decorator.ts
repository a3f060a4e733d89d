import { SetMetadata } from '@nestjs/common';
import type { Role } from '../../identity.constants';

export const REQUIRED_ROLES = 'guildhall:roles';

/** Restricts a handler to users with one of these roles (checked by the global AuthGuard). */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);
