import { markup, type SafeHtml } from '../../pages/html';
import { subNav } from '../web-components';

export const SETTINGS_LINKS = [
  { href: '/settings', label: 'Profile' },
  { href: '/settings/apps', label: 'Authorized apps' },
  { href: '/settings/sessions', label: 'Sessions' },
  { href: '/settings/password', label: 'Password' },
  { href: '/settings/export', label: 'Export' },
];

/** The settings pages' tabs, then the page's one h1. */
export function settingsHeader(current: string, title: string): SafeHtml {
  return markup`<h1>${title}</h1>
${subNav('Settings', SETTINGS_LINKS, current)}`;
}
