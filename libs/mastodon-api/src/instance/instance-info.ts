import { MASTODON_COMPATIBLE_VERSION, SOFTWARE_VERSION } from '@guildhall/federation';

/** The Mastodon version Guildhall's client API follows: what apps check before using a feature. */
export const MASTODON_API_VERSION = MASTODON_COMPATIBLE_VERSION;

/** A Mastodon-style version string: apps parse the leading version; the rest names us. */
export const COMPATIBLE_VERSION = `${MASTODON_API_VERSION} (compatible; Guildhall ${SOFTWARE_VERSION})`;

/** Mastodon's `api_versions.mastodon` for 4.3. */
export const MASTODON_API_VERSION_NUMBER = 2;

export const SUPPORTED_IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];

/** Mastodon's numbers for what Guildhall does the same way. */
export const STATUS_LIMITS = {
  maxMediaAttachments: 4,
  charactersReservedPerUrl: 23,
  maxPinnedStatuses: 5,
  descriptionLimit: 1500,
  imageMatrixLimit: 33_177_600,
};
