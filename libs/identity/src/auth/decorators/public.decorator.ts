import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'guildhall:public';

/**
 * Marks a resolver or route as readable without a token. Everything else is refused to
 * anonymous callers by the global AuthGuard: a handler is guarded unless it says otherwise.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
