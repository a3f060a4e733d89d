import { HttpStatus } from '@nestjs/common';
import { ContentErrorCode } from '../content.exception';

/** Where HTTP says more precisely than 400 what was wrong with an upload (media routes only). */
export const MEDIA_HTTP_STATUS: Partial<Record<string, HttpStatus>> = {
  [ContentErrorCode.MediaTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ContentErrorCode.UnsupportedMediaType]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [ContentErrorCode.ImageDimensionsTooLarge]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ContentErrorCode.UnprocessableImage]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ContentErrorCode.InvalidFocus]: HttpStatus.UNPROCESSABLE_ENTITY,
};
