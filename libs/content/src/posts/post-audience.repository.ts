import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { muteInForce } from '@guildhall/social';
import { visibleToEach } from './post-visibility';

/**
 * The reader's own rules over a post `p` (its original `o` when it is a boost), beside the one
 * visibility rule: they mute neither author, and block neither author's server (their own
 * domain blocks) — what the home, list and public timelines leave out (TimelineRepository).
 */
const READER_RULES = `
  ${visibleToEach('p', 'v.id')}
  AND NOT EXISTS (SELECT 1 FROM mutes sm WHERE sm.account_id = v.id AND sm.target_id = p.account_id
                    AND ${muteInForce('sm')})
  AND NOT EXISTS (SELECT 1 FROM accounts pa JOIN account_domain_blocks pdb ON pdb.domain = pa.domain
                  WHERE pa.id = p.account_id AND pdb.account_id = v.id)
  AND (p.boost_of_id IS NULL OR (o.id IS NOT NULL AND ${visibleToEach('o', 'v.id')}
    AND NOT EXISTS (SELECT 1 FROM mutes om WHERE om.account_id = v.id AND om.target_id = o.account_id
                      AND ${muteInForce('om')})
    AND NOT EXISTS (SELECT 1 FROM accounts oa JOIN account_domain_blocks odb ON odb.domain = oa.domain
                    WHERE oa.id = o.account_id AND odb.account_id = v.id)))`;

/**
 * The reader's follow options over the post's author (the booster, for a boost), as the home and
 * list timelines apply them (TimelineRepository's FOLLOW_OPTIONS): no boosts when the follow
 * hides them, and only the languages the follow names (a post without one, or a boost, passes).
 */
const FOLLOW_OPTIONS = `
  AND (p.boost_of_id IS NULL OR p.account_id = v.id OR NOT EXISTS (SELECT 1 FROM follows rb
    WHERE rb.follower_id = v.id AND rb.followee_id = p.account_id AND NOT rb.show_reblogs))
  AND (p.boost_of_id IS NOT NULL OR p.language IS NULL OR p.account_id = v.id OR NOT EXISTS (SELECT 1 FROM follows lf
    WHERE lf.follower_id = v.id AND lf.followee_id = p.account_id AND lf.languages IS NOT NULL
      AND p.language <> ALL (lf.languages)))`;

/**
 * Who, of a set of readers, may see a post now: the one visibility rule (ADR 0019) applied to
 * every reader in one query, with the reader's mutes and domain blocks as the timelines apply
 * them. For live streams, where a post reaches many connected readers at once.
 */
@Injectable()
export class PostAudienceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * `homeOnly`: only readers whose home timeline holds the post — the author, or a follower of
   * the author who has not put them on an exclusive list (boosts included: the booster is the
   * author here), as the reader's follow options allow (FOLLOW_OPTIONS: hidden boosts, languages).
   */
  async audience(postId: string, readerIds: readonly string[], options: { homeOnly: boolean }): Promise<string[]> {
    if (!readerIds.length) return [];
    const home = options.homeOnly
      ? `AND (p.account_id = v.id OR EXISTS (SELECT 1 FROM follows hf
           WHERE hf.follower_id = v.id AND hf.followee_id = p.account_id AND hf.state = 'accepted'))
         AND NOT EXISTS (SELECT 1 FROM list_accounts xa JOIN lists xl ON xl.id = xa.list_id
           WHERE xl.account_id = v.id AND xl.exclusive AND xa.account_id = p.account_id)
         ${FOLLOW_OPTIONS}`
      : '';
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT v.id FROM unnest($2::uuid[]) AS v(id) JOIN posts p ON p.id = $1
         LEFT JOIN posts o ON o.id = p.boost_of_id
        WHERE ${READER_RULES} ${home}`,
      [postId, [...readerIds]],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Of `listIds`, the lists whose timeline holds the post: its author (the booster) is a member,
   * the list's owner may see it, and a reply to someone else passes the list's `replies_policy`
   * (`list`: to a member, `followed`: to someone the owner follows, `none`: never), and the
   * owner's follow options allow it (FOLLOW_OPTIONS), as the list timeline applies them.
   */
  async lists(postId: string, listIds: readonly string[]): Promise<string[]> {
    if (!listIds.length) return [];
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT l.id FROM lists l JOIN posts p ON p.id = $1 LEFT JOIN posts o ON o.id = p.boost_of_id
         CROSS JOIN LATERAL (SELECT l.account_id AS id) v
        WHERE l.id = ANY($2::uuid[])
          AND EXISTS (SELECT 1 FROM list_accounts la WHERE la.list_id = l.id AND la.account_id = p.account_id)
          AND (p.in_reply_to_account_id IS NULL OR p.in_reply_to_account_id = p.account_id OR CASE l.replies_policy
            WHEN 'list' THEN EXISTS (SELECT 1 FROM list_accounts rla
                                     WHERE rla.list_id = l.id AND rla.account_id = p.in_reply_to_account_id)
            WHEN 'followed' THEN p.in_reply_to_account_id = l.account_id OR EXISTS (
              SELECT 1 FROM follows rf WHERE rf.follower_id = l.account_id
                AND rf.followee_id = p.in_reply_to_account_id AND rf.state = 'accepted')
            ELSE false END)
          AND ${READER_RULES} ${FOLLOW_OPTIONS}`,
      [postId, [...listIds]],
    );
    return rows.map((row) => row.id);
  }
}
