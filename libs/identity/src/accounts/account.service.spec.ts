import { parseHandle } from './account.service';

describe('parseHandle', () => {
  it.each([
    ['alice', { username: 'alice', domain: null }],
    ['@Alice', { username: 'alice', domain: null }],
    ['alice@Social.Example', { username: 'alice', domain: 'social.example' }],
    ['@alice@host:8443', { username: 'alice', domain: 'host:8443' }],
  ])('parses %s', (handle, expected) => {
    expect(parseHandle(handle)).toEqual(expected);
  });

  it.each(['', '@', 'a@b@c', 'with space', 'alice@'])('refuses %p', (handle) => {
    expect(parseHandle(handle)).toBeNull();
  });
});
