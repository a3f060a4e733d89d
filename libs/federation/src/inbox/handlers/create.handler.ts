import type { InboxContext } from '@fedify/fedify';
import { Create } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { RemotePostService } from '@guildhall/content';
import { remoteActor } from '@guildhall/identity';
import { FollowService } from '@guildhall/social';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport, sameHost } from '../inbox-support';
import { isPostObject, readRemoteNote } from '../remote-note.mapper';
import { RemoteTombstoneRepository } from '../remote-tombstone.repository';

/**
 * `Create` of a Note, Article, Page or Question, stored only when it concerns this server: its
 * author is followed from here, it mentions a local account, or it replies to a local post.
 * Its id must be on its author's host and it must be attributed to the actor alone; an id its
 * author deleted stays deleted; a redelivery changes nothing.
 */
@Injectable()
export class CreateHandler implements InboxHandler<Create> {
  readonly type = Create;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly posts: RemotePostService,
    private readonly follows: FollowService,
    private readonly tombstones: RemoteTombstoneRepository,
  ) {}

  async handle(_ctx: InboxContext<void>, create: Create): Promise<void> {
    const author = await this.inbox.sender(create);
    if (!author) return;
    // Embedded on the actor's host: read as sent. Otherwise fetched (signed) from its own host.
    const object = await create.getObject({ ...(await this.inbox.loaders()), suppressError: true });
    if (!isPostObject(object) || !object.id) return void this.inbox.refuse(create, 'not a post object');
    const uri = object.id.href;
    if (!sameHost(object.id, author.uri!)) return void this.inbox.refuse(create, 'object id not on the actor host');
    // Mastodon requires the attribution: without it, an id under a neighbour's path on the same
    // host would be stored as the sender's.
    if (object.attributionIds.length !== 1 || object.attributionId?.href !== author.uri) {
      return void this.inbox.refuse(create, 'object not attributed to the actor', { object: uri });
    }
    if (await this.tombstones.isDeletedBy(uri, author.uri)) return void this.inbox.refuse(create, 'object was deleted');
    if (await this.posts.findByReference(uri)) return void this.inbox.refuse(create, 'object already stored');

    const note = await readRemoteNote(
      object,
      author.followersUrl,
      this.inbox.embeddedOnly(),
      await this.inbox.attachmentOptions(create, object),
    );
    const mentioned = new Set<string>();
    for (const href of note.mentionHrefs) {
      const account = await this.inbox.localAccount(href);
      if (account) mentioned.add(account.id);
    }
    const parent = note.inReplyTo ? await this.posts.findByReference(note.inReplyTo) : null;
    const inReplyTo = parent && !parent.boostOfId && !parent.deletedAt ? parent : null;
    const related = mentioned.size > 0 || inReplyTo?.local === true || (await this.follows.hasLocalFollower(author.id));
    if (!related) return void this.inbox.refuse(create, 'not related to this server', { object: uri });

    const post = await this.posts.ingest(
      {
        uri,
        url: note.url,
        authorId: author.id,
        title: note.title,
        content: note.content,
        summary: note.summary,
        contentWarning: note.contentWarning,
        language: note.language,
        visibility: note.visibility,
        inReplyTo,
        mentionedAccountIds: [...mentioned],
        hashtags: note.hashtags,
        media: note.media,
        publishedAt: note.publishedAt,
      },
      create.id?.href ?? null,
    );
    if (!post) return void this.inbox.refuse(create, 'object already stored');
    // A Delete processed meanwhile found nothing to delete but left its tombstone: honour it.
    if (await this.tombstones.isDeletedBy(uri, author.uri)) {
      await this.posts.tombstone(remoteActor(author.id, null), post);
      return void this.inbox.refuse(create, 'object was deleted while it was stored');
    }
    this.inbox.done(create, 'post stored', { postId: post.id, object: uri, visibility: post.visibility });
  }
}
