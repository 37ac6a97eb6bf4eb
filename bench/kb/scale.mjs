// Cost at scale: a synthetic Chinese knowledge base of N entries (customer-service style questions made
// from a seeded mix of topic words and question frames, with a few similar questions each), asked questions
// worded like them, and crafted worst cases: 500 characters made of the knowledge base's most frequent
// characters (every one hits most entries), and the same as one long run of frequent bigrams.
import { seededRandom } from '../../scripts/seeded-random.mjs';
import { percentile } from '../lib/stats.mjs';

const TOPICS = (
  '账户 密码 银行卡 信用卡 转账 还款 额度 利息 手续费 账单 分期 提现 充值 余额 理财 基金 保险 贷款 存款 汇款 ' +
  '手机号 验证码 身份证 实名 认证 登录 注册 注销 冻结 解冻 挂失 补办 开户 销户 积分 优惠券 红包 会员 订单 退款 ' +
  '退货 发票 快递 物流 地址 客服 投诉 预约 网点 营业 时间 门票 停车 地铁 公交 行李 寄存 讲解 导览 展览 拍照 ' +
  '宠物 儿童 老人 轮椅 餐厅 咖啡 酒店 房间 早餐 入住 退房 押金 发货 包邮 尺码 颜色 库存 售后 保修 维修 安装 ' +
  '电池 屏幕 充电 蓝牙 网络 信号 流量 套餐 话费 宽带 路由器 电视 空调 冰箱 洗衣机 手表 耳机 相机 电脑 平板'
).split(' ');
const FRAMES = ['怎么', '如何', '为什么', '能不能', '可以', '在哪里', '多久', '多少钱', '是什么', '怎么办', '有没有', '什么时候'];
const VERBS = ['修改', '查询', '开通', '关闭', '取消', '申请', '办理', '使用', '设置', '恢复', '更换', '绑定', '解绑', '支付'];

function syntheticChineseKb(size, seed = 7) {
  const next = seededRandom(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const question = () => `${pick(TOPICS)}${pick(FRAMES)}${pick(VERBS)}${pick(TOPICS)}${next() < 0.5 ? pick(TOPICS) : ''}`;
  const kb = Array.from({ length: size }, (_, i) => ({
    id: `s${i}`,
    language: 'zh_CN',
    question: question(),
    similarQuestions: [question(), question()],
    answer: `第${i}条的回答：${pick(TOPICS)}${pick(VERBS)}请在App里操作。`,
  }));
  const queries = Array.from({ length: 2000 }, () => ({ q: `请问${question()}呢` }));
  return { kb, queries };
}

/** 500 characters of the most frequent Han characters of the knowledge base, in two arrangements. */
function craftedQuestions(kb) {
  const counts = new Map();
  for (const entry of kb) for (const char of entry.question.match(/\p{Script=Han}/gu) ?? []) counts.set(char, (counts.get(char) ?? 0) + 1);
  const frequent = [...counts].sort((a, b) => b[1] - a[1]).map(([char]) => char);
  const cycled = Array.from({ length: 500 }, (_, i) => frequent[i % Math.min(60, frequent.length)]).join('');
  const next = seededRandom(11);
  const shuffled = Array.from({ length: 500 }, () => frequent[Math.floor(next() * Math.min(200, frequent.length))]).join('');
  return { cycled, shuffled };
}

/**
 * One timed lookup: wall time, and the CPU time the process spent meanwhile (process.cpuUsage, µs). On a
 * shared, overloaded machine the wall time's tail is mostly the scheduler (a question waiting for a core),
 * the CPU time's is the work; both are reported, the targets are about wall time on a quiet machine.
 */
function timedLookup(index, question) {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  index.lookup(question);
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  return { wall, cpu: (cpu.user + cpu.system) / 1000 };
}

const stats = (runs, key, digits) => ({
  p50: +percentile(
    runs.map((r) => r[key]),
    50,
  ).toFixed(digits),
  p99: +percentile(
    runs.map((r) => r[key]),
    99,
  ).toFixed(digits),
  max: +Math.max(...runs.map((r) => r[key])).toFixed(3),
});

/** Per-question times of `lookup` (search + decision) over the synthetic set, and the crafted worst cases. */
export function scaleFigures(createIndex, size) {
  const { kb, queries } = syntheticChineseKb(size);
  const indexStart = performance.now();
  const index = createIndex(kb);
  const indexMs = performance.now() - indexStart;
  for (const { q } of queries.slice(0, 200)) index.lookup(q); // warm-up
  const runs = queries.map(({ q }) => timedLookup(index, q));
  const crafted = {};
  for (const [name, question] of Object.entries(craftedQuestions(kb))) {
    for (let i = 0; i < 20; i++) index.lookup(question);
    const craftedRuns = Array.from({ length: 50 }, () => timedLookup(index, question));
    const wall = stats(craftedRuns, 'wall', 3);
    const cpu = stats(craftedRuns, 'cpu', 3);
    // The work, counted (the bounds of lexical-index.ts): the same on any machine, unlike the times.
    const work = {};
    index.lookup(question, { work });
    crafted[name] = { chars: [...question].length, maxMs: wall.max, p50Ms: wall.p50, cpuMaxMs: cpu.max, cpuP50Ms: cpu.p50, work };
  }
  const wall = stats(runs, 'wall', 4);
  const cpu = stats(runs, 'cpu', 3);
  return {
    entries: size,
    indexMs: +indexMs.toFixed(1),
    p50Ms: wall.p50,
    p99Ms: wall.p99,
    maxMs: wall.max,
    cpuP50Ms: cpu.p50,
    cpuP99Ms: cpu.p99,
    cpuMaxMs: cpu.max,
    crafted500: crafted,
  };
}
