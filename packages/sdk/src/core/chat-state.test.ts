import { describe, expect, it } from 'vitest';
import { ChatState } from './chat-state.js';

const question = (chatId: string) => ({ type: 'question' as const, chatId, text: 'hello' });

describe('ChatState', () => {
  it('thinks from the question to its first audio, then speaks until the audio stops', () => {
    const chats = new ChatState();
    chats.asked(question('q1'));
    expect(chats.avatarState(false, false)).toBe('thinking');
    chats.handleTurnStart('q1', false);
    expect(chats.unansweredQuestion).toBeNull();
    chats.handleSpeakingStart('q1');
    expect(chats.avatarState(false, true)).toBe('speaking');
    expect(chats.handleSpeakingStop('q1')).toBe(true);
    chats.handleTurnEnd('q1');
    expect(chats.pending.size).toBe(0);
    expect(chats.avatarState(false, true)).toBe('listening');
    expect(chats.avatarState(true, true)).toBe('idle');
  });

  it('does not count an interrupted chat whose turn starts late', () => {
    const chats = new ChatState();
    chats.handleTurnStart('late', true);
    expect(chats.pending.has('late')).toBe(false);
  });

  it('stops thinking when nothing was heard', () => {
    const chats = new ChatState();
    chats.asked(question('v1'));
    expect(chats.handleNothingHeard('other')).toBe(false);
    expect(chats.handleNothingHeard('v1')).toBe(true);
    expect(chats.avatarState(false, false)).toBe('idle');
  });

  it('reset() hands back every chat going on, the driven one included, and forgets them', () => {
    const chats = new ChatState();
    chats.asked(question('q1'));
    chats.startDriven('d1');
    chats.handleSpeakingStart('q1');
    expect([...chats.reset()].sort()).toEqual(['d1', 'q1']);
    expect(chats.pending.size + chats.speaking.size).toBe(0);
    expect([chats.thinkingChatId, chats.drivenChatId, chats.unansweredQuestion]).toEqual([null, null, null]);
  });

  it('reset({keepUnanswered}) keeps the question that never got its turn, to ask it again', () => {
    const chats = new ChatState();
    chats.handleTurnStart('old', false);
    chats.asked(question('q2'));
    expect([...chats.reset({ keepUnanswered: true })]).toEqual(['old']);
    expect(chats.unansweredQuestion?.chatId).toBe('q2');
    expect(chats.thinkingChatId).toBeNull();
  });
});
