import { markup, type SafeHtml } from '../html';
import { layout } from './layout.template';

export function notFoundPage(): SafeHtml {
  return layout({
    title: 'Not found',
    body: markup`<h1>Not found</h1><p>There is nothing here, or it is not public.</p>`,
  });
}

export function deletedPostPage(): SafeHtml {
  return layout({ title: 'Deleted', body: markup`<h1>This post was deleted</h1>` });
}

/** A suspended account: nothing of it (name, bio, posts) is shown. */
export function goneAccountPage(): SafeHtml {
  return layout({ title: 'Gone', body: markup`<h1>This account is not available</h1>` });
}
