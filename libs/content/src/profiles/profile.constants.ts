export const MAX_DISPLAY_NAME_LENGTH = 100;
/** Bio source (Markdown), in characters. */
export const MAX_BIO_LENGTH = 500;
export const MAX_PROFILE_FIELDS = 4;
export const MAX_FIELD_NAME_LENGTH = 255;
export const MAX_FIELD_VALUE_LENGTH = 255;
