import type { Store } from '../store/store.js';
import { DEFAULT_VOICES, buildRobot } from './robot.js';
import { DEMO_KNOWLEDGE } from './demo-knowledge.js';

export const DEMO_ROBOT_ID = 'demo';

/** Creates robot `demo` and its knowledge base unless it exists (at every start in demo mode). Returns true when it was created. */
export async function seedDemo(store: Store): Promise<boolean> {
  if (await store.getRobot(DEMO_ROBOT_ID)) return false;
  const robot = buildRobot({
    id: DEMO_ROBOT_ID,
    name: 'dhkit demo',
    concurrency: 20,
    languages: ['zh_CN', 'en_US'],
    defaultLanguage: 'zh_CN',
    voices: { ...DEFAULT_VOICES },
    allowedOrigins: ['*'],
    hotQuestions: [
      { language: 'zh_CN', text: '你能做什么？' },
      { language: 'zh_CN', text: '怎么把数字人嵌入网页？' },
      { language: 'zh_CN', text: '展厅在哪里？' },
      { language: 'en_US', text: 'What can you do?' },
      { language: 'en_US', text: 'How do I embed you in my website?' },
      { language: 'en_US', text: 'Where is the showroom?' },
    ],
  });
  try {
    await store.createRobot(robot);
  } catch (error) {
    // Demo mode is on at every start: another process sharing the database may have seeded it a moment ago.
    if (await store.getRobot(DEMO_ROBOT_ID)) return false;
    throw error;
  }
  await store.addKnowledge(robot.id, [...DEMO_KNOWLEDGE]);
  return true;
}
