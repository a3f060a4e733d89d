import type { FilterEntity } from './filter.entity';
import { FilterMatcher } from './filter.matcher';
import type { FilterRepository, FilterView } from './filter.repository';

const view = (keywords: [string, boolean][], postIds: string[] = []): FilterView => ({
  filter: { id: 'f1', title: 'T', action: 'warn', context: ['home'] } as FilterEntity,
  keywords: keywords.map(([keyword, wholeWord], i) => ({ id: `k${i}`, filterId: 'f1', keyword, wholeWord })),
  statuses: postIds.map((postId, i) => ({ id: `s${i}`, filterId: 'f1', postId })),
});

const matcherOf = (views: FilterView[]) =>
  new FilterMatcher({ views: () => Promise.resolve(views) } as unknown as FilterRepository).forViewer('a', 'home');

describe('FilterMatcher', () => {
  it('matches whole words at Unicode word boundaries, case-insensitively, in the text of the HTML', async () => {
    const match = await matcherOf([
      view([
        ['café', true],
        ['a.b', true],
      ]),
    ]);
    expect(match('<p>Le <strong>CAFÉ</strong> est bon</p>', 'p1')[0].keywordMatches).toEqual(['café']);
    expect(match('<p>cafés</p>', 'p1')).toEqual([]);
    expect(match('<p>écafé</p>', 'p1')).toEqual([]);
    // Regular-expression characters are literal; entities are decoded first.
    expect(match('<p>axb</p>', 'p1')).toEqual([]);
    expect(match('<p>see a.b!</p>', 'p1')[0].keywordMatches).toEqual(['a.b']);
    // A keyword inside a tag's attribute is not text the reader sees.
    expect(match('<a href="https://café.example">link</a>', 'p1')).toEqual([]);
  });

  it('matches parts of words when not whole-word, and listed posts by id', async () => {
    const match = await matcherOf([view([['spoil', false]], ['p9'])]);
    expect(match('<p>No SPOILERS &amp; such</p>', 'p1')).toEqual([
      {
        filter: expect.objectContaining({ keywords: expect.any(Array) as unknown }) as unknown,
        keywordMatches: ['spoil'],
        statusMatches: null,
      },
    ]);
    expect(match('<p>quiet</p>', 'p9')).toEqual([
      expect.objectContaining({ keywordMatches: null, statusMatches: ['p9'] }),
    ]);
    expect(match('<p>quiet</p>', 'p1')).toEqual([]);
  });

  it('matches nothing without filters', async () => {
    expect((await matcherOf([]))('<p>anything</p>', 'p1')).toEqual([]);
  });
});
