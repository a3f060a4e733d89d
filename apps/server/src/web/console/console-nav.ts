import type { SafeHtml } from '../../pages/html';
import { subNav } from '../web-components';

/** Every page of the stewards' console, in the order of its tabs (the route map's). */
export const CONSOLE_PAGES: readonly { href: string; label: string }[] = [
  { href: '/console', label: 'Overview' },
  { href: '/console/applications', label: 'Applications' },
  { href: '/console/members', label: 'Members' },
  { href: '/console/money', label: 'Money' },
  { href: '/console/periods', label: 'Periods' },
  { href: '/console/payouts', label: 'Payouts' },
  { href: '/console/capital', label: 'Capital' },
  { href: '/console/reports', label: 'Reports' },
  { href: '/console/accounts', label: 'Accounts' },
  { href: '/console/domains', label: 'Domains' },
  { href: '/console/audit', label: 'Audit log' },
];

/** The console's tabs, `current` (a page's href) marked as the current page. */
export function consoleNav(current: string): SafeHtml {
  return subNav("Stewards' console", [...CONSOLE_PAGES], current);
}
