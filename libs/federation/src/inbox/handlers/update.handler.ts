import type { InboxContext } from '@fedify/fedify';
import { isActor, Update } from '@fedify/fedify/vocab';
import { Injectable } from '@nestjs/common';
import { RemotePostService } from '@guildhall/content';
import { remoteActor, type AccountEntity } from '@guildhall/identity';
import type { InboxHandler } from '../inbox-handler';
import { InboxSupport, sameHost } from '../inbox-support';
import { isPostObject, type PostObject, readRemoteNote } from '../remote-note.mapper';
import { RemoteActorService } from '../../remote/remote-actor.service';

/** `Update` of the sender itself (a profile refresh) or of a post it wrote (an edit). */
@Injectable()
export class UpdateHandler implements InboxHandler<Update> {
  readonly type = Update;

  constructor(
    private readonly inbox: InboxSupport,
    private readonly remote: RemoteActorService,
    private readonly posts: RemotePostService,
  ) {}

  async handle(_ctx: InboxContext<void>, update: Update): Promise<void> {
    const sender = await this.inbox.sender(update);
    if (!sender) return;
    const object = await update.getObject({ ...(await this.inbox.loaders()), suppressError: true });
    if (!object?.id) return void this.inbox.refuse(update, 'nothing to update');
    if (isActor(object)) {
      if (object.id.href !== sender.uri) return void this.inbox.refuse(update, 'an actor can only update itself');
      const account = await this.remote.store(object, sender.domain ?? undefined);
      if (!account) return void this.inbox.refuse(update, 'actor refused: invalid handle');
      return this.inbox.done(update, 'actor refreshed', { accountId: account.id });
    }
    if (isPostObject(object)) return this.edit(update, sender, object);
    this.inbox.refuse(update, 'object type not handled', { object: object.id.href });
  }

  private async edit(update: Update, author: AccountEntity, object: PostObject): Promise<void> {
    const uri = object.id!.href;
    if (!sameHost(uri, author.uri!)) return void this.inbox.refuse(update, 'object id not on the actor host');
    const post = await this.posts.findByReference(uri);
    if (!post || post.local || post.deletedAt || post.boostOfId) {
      return void this.inbox.refuse(update, 'no stored post has that id', { object: uri });
    }
    if (post.accountId !== author.id) return void this.inbox.refuse(update, 'only its author can edit a post');
    const note = await readRemoteNote(
      object,
      author.followersUrl,
      this.inbox.embeddedOnly(),
      await this.inbox.attachmentOptions(update, object),
    );
    const mentioned = new Set<string>();
    for (const href of note.mentionHrefs) {
      const account = await this.inbox.localAccount(href);
      if (account) mentioned.add(account.id);
    }
    await this.posts.edit(remoteActor(author.id, update.id?.href ?? null), post, {
      title: note.title,
      content: note.content,
      summary: note.summary,
      contentWarning: note.contentWarning,
      language: note.language,
      mentionedAccountIds: [...mentioned],
      hashtags: note.hashtags,
      media: note.media,
      editedAt: note.updatedAt,
    });
    this.inbox.done(update, 'post edited', { postId: post.id });
  }
}
