/** The console's entry (`/admin/console.js`): defines its elements; index.html holds `<dh-console>`. */
import { AnswerPreview } from './answer-preview.js';
import { BarChart } from './bar-chart.js';
import { ConsoleApp } from './console-app.js';
import { AuditPage } from './pages/audit-page.js';
import { KnowledgeImport } from './pages/knowledge-import.js';
import { KnowledgePage } from './pages/knowledge-page.js';
import { KnowledgeTest } from './pages/knowledge-test.js';
import { QuestionsPage } from './pages/questions-page.js';
import { RobotForm } from './pages/robot-form.js';
import { RobotsPage } from './pages/robots-page.js';
import { SessionsPage } from './pages/sessions-page.js';
import { SlowTurns } from './pages/slow-turns.js';
import { TryIt } from './pages/try-it.js';

const ELEMENTS: Record<string, CustomElementConstructor> = {
  'dh-console': ConsoleApp,
  'dh-robots-page': RobotsPage,
  'dh-robot-form': RobotForm,
  'dh-try-it': TryIt,
  'dh-knowledge-page': KnowledgePage,
  'dh-knowledge-import': KnowledgeImport,
  'dh-knowledge-test': KnowledgeTest,
  'dh-questions-page': QuestionsPage,
  'dh-sessions-page': SessionsPage,
  'dh-slow-turns': SlowTurns,
  'dh-audit-page': AuditPage,
  'dh-answer-preview': AnswerPreview,
  'dh-bar-chart': BarChart,
};

for (const [tag, element] of Object.entries(ELEMENTS)) if (!customElements.get(tag)) customElements.define(tag, element);
