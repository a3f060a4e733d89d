/**
 * SQL: the `mutes` row under `alias` is in force — for good (`expires_at` null) or not yet
 * expired. A timed mute lapses by itself: every read of `mutes` applies this, so an expired row
 * reads as no mute at once, with no job racing the clock (the row goes on the next mute or unmute).
 */
export function muteInForce(alias: string): string {
  return `(${alias}.expires_at IS NULL OR ${alias}.expires_at > now())`;
}
