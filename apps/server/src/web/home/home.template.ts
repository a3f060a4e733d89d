import type { CoopMemberEntity } from '@guildhall/coop';
import type { TimelinePost } from '@guildhall/content';
import { markup, sanitized, type SafeHtml } from '../../pages/html';
import { csrfField, formError } from '../web-components';
import type { MemberContext, WebContext } from '../web-context';

export interface LandingInput {
  description: string;
  memberCount: number;
  closedPeriods: number;
}

/** Signed out: what the instance is, how the co-op works, and the way in. */
export function landingBody(ctx: WebContext, input: LandingInput): SafeHtml {
  return markup`<section class="hero" aria-labelledby="welcome">
<h1 id="welcome">${ctx.instanceName}</h1>
<p class="lead">${input.description}</p>
<div class="actions">
<a class="button primary" href="/auth/sign_up?return_to=%2F">Create an account</a>
<a class="button" href="/auth/sign_in?return_to=%2F">Sign in</a>
</div>
</section>
<section aria-labelledby="coop">
<h2 id="coop">Owned by the people who make it</h2>
<div class="grid">
<div class="panel"><h3>Publish and follow</h3><p>Post notes and articles, follow people here and on any Mastodon-compatible server, and use the Mastodon app you already like.</p></div>
<div class="panel"><h3>Earn ownership</h3><p>Members' posts, replies and the engagement they receive earn equity units and a share of the surplus every period, by published rules.</p></div>
<div class="panel"><h3>Decide together</h3><p>One member, one vote on the rules of the next period, within the bylaws. Every close is published so anyone can check it.</p></div>
</div>
<p>${ctx.fmt.integer(input.memberCount)} ${input.memberCount === 1 ? 'member' : 'members'} ·
${ctx.fmt.integer(input.closedPeriods)} closed ${input.closedPeriods === 1 ? 'period' : 'periods'} ·
<a href="/transparency">See every close and check it yourself</a></p>
</section>`;
}

export interface HomeInput {
  membership: CoopMemberEntity | null;
  /** The member's own latest posts, newest first. */
  recent: TimelinePost[];
  composeError?: string | null;
  draft?: string;
}

function membershipCard(ctx: MemberContext, membership: CoopMemberEntity | null): SafeHtml {
  if (!membership) {
    return markup`<div class="panel"><h3>Become a member-owner</h3>
<p>Apply to join the cooperative: once a steward admits you, what you contribute earns you a share of it.</p>
<p><a class="button primary" href="/membership">Apply for membership</a></p></div>`;
  }
  if (membership.status === 'pending') {
    return markup`<div class="panel"><h3>Membership</h3><p>Your application is waiting for a steward. <a href="/membership">Details</a></p></div>`;
  }
  return markup`<div class="panel"><h3>Membership</h3><p>Status: <strong>${membership.status}</strong>.</p>
<p><a href="/ownership">What you own</a> · <a href="/ownership/contributions">This period's contributions</a> · <a href="/membership">Membership</a></p></div>`;
}

const VISIBILITY_LABELS: Record<string, string> = {
  public: 'Public',
  unlisted: 'Unlisted',
  followers: 'Followers only',
  direct: 'Direct',
};

function recentPosts(ctx: MemberContext, posts: TimelinePost[]): SafeHtml {
  if (!posts.length) return markup``;
  return markup`<section aria-labelledby="recent-title">
<h2 id="recent-title">Your recent posts</h2>
<ol class="posts">
${posts.map(
  (post) => markup`<li><article class="post">
${post.title ? markup`<h3>${post.title}</h3>` : ''}
<div class="content">${sanitized(post.content)}</div>
<p class="muted small"><a href="/posts/${post.id}">${ctx.fmt.dateTime(post.createdAt)}</a> · ${VISIBILITY_LABELS[post.visibility] ?? post.visibility}</p>
</article></li>`,
)}
</ol>
<p><a href="/@${ctx.signedIn.account.username}">All your posts</a></p>
</section>`;
}

/** Signed in: compose, where to go, and the membership's state. */
export function homeBody(ctx: MemberContext, input: HomeInput): SafeHtml {
  const account = ctx.signedIn.account;
  return markup`<h1>Welcome, ${account.displayName || account.username}</h1>
<section aria-labelledby="compose-title" class="panel">
<h2 id="compose-title">Write a post</h2>
${formError(input.composeError)}
<form method="post" action="/posts" class="stack">
${csrfField(ctx)}
<div class="field"><label for="compose-content">Post</label>
<textarea id="compose-content" name="content" required maxlength="5000">${input.draft ?? ''}</textarea></div>
<div class="field"><label for="compose-visibility">Who can see it</label>
<select id="compose-visibility" name="visibility">
<option value="public">Public</option>
<option value="unlisted">Unlisted (not in public timelines)</option>
<option value="followers">Followers only</option>
</select></div>
<div class="actions"><button type="submit" class="primary">Publish</button>
<a href="/@${account.username}">Your profile</a></div>
</form>
</section>
${recentPosts(ctx, input.recent)}
<div class="grid">
${membershipCard(ctx, input.membership)}
<div class="panel"><h3>Governance</h3><p>Proposals for the next period's rules, and your vote. <a href="/governance">Open governance</a></p></div>
<div class="panel"><h3>Transparency</h3><p>Every closed period, its ledger and how to check it. <a href="/transparency">Open transparency</a></p></div>
${ctx.isStaff ? markup`<div class="panel"><h3>Stewards' console</h3><p>Applications, money, closes, payouts and moderation. <a href="/console">Open the console</a></p></div>` : ''}
</div>`;
}
