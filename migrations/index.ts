// Every migration, in order. Written by `npm run migration:generate`; do not edit by hand.
import { CreateIdentity1795317000691 } from './1795317000691-CreateIdentity';

export const MIGRATIONS = [CreateIdentity1795317000691];
