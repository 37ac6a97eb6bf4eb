/** The demo robot's bilingual knowledge base. Answers open with a short clause so speech starts fast. */
import type { KnowledgeEntryInput } from '../store/store.js';

export const DEMO_KNOWLEDGE: readonly KnowledgeEntryInput[] = [
  // ---- zh_CN ----
  {
    language: 'zh_CN',
    question: '你好',
    similarQuestions: ['您好', '嗨', '哈喽', '你好啊', '早上好', '下午好', '晚上好'],
    answer: '你好！我是 dhkit 的演示数字人。你可以问我能做什么、怎么嵌入网页，或者展厅在哪里。',
  },
  {
    language: 'zh_CN',
    question: '你能做什么',
    similarQuestions: ['你会什么', '你有什么功能', '你可以帮我做什么', '介绍一下你自己', '你是谁'],
    answer: '我能回答知识库里的问题。我会边说边显示字幕，回答里还可以带图片和链接。你也可以随时打断我。',
  },
  {
    language: 'zh_CN',
    question: '谁开发了你',
    similarQuestions: ['你是谁做的', '谁做的这个数字人', 'dhkit是谁开发的', '你的作者是谁'],
    answer: '我由 dhkit 开源项目打造。dhkit 包括一个浏览器 SDK 和一个小巧的配套服务器，任何人都可以自己部署。',
  },
  {
    language: 'zh_CN',
    question: '怎么把数字人嵌入网页',
    similarQuestions: ['如何嵌入', '怎么接入', '怎么在网站上使用', '如何集成到我的网站', '怎么用script标签引入'],
    answer:
      '很简单，用一个 script 标签就行。先引入 /sdk/dhkit.umd.js，再调用 DHKit.create，传入服务器地址、数字人编号和一次性鉴权码。' +
      '详细结构见下图：![dhkit 架构图](/demo/assets/architecture.svg)',
  },
  {
    language: 'zh_CN',
    question: '你支持哪些语言',
    similarQuestions: ['支持什么语言', '会说英语吗', '能说中文吗', '可以切换语言吗'],
    answer: '我会说中文和英文。用哪种语言提问，我就尽量用哪种语言回答。',
  },
  {
    language: 'zh_CN',
    question: '隐私和数据安全',
    similarQuestions: ['你会保存我的数据吗', '隐私政策', 'AI标识是什么', '你是真人吗', '你是人工智能吗'],
    answer: '我是人工智能数字人，不是真人。所以界面上会显示“AI 生成”标识。服务器可以自行部署，对话数据留在你自己的机器上。',
  },
  {
    language: 'zh_CN',
    question: '展厅几点开门',
    similarQuestions: ['营业时间', '开放时间', '展厅什么时候开', '周末开门吗', '几点关门'],
    answer: '展厅周一到周五上午九点到下午六点开放。周六上午十点到下午四点开放，周日休息。',
  },
  {
    language: 'zh_CN',
    question: '展厅在哪里',
    similarQuestions: ['展厅地址', '怎么去展厅', '你们在哪', '地址是什么'],
    answer:
      '展厅在示例市滨江路 88 号一楼。地铁 2 号线滨江站 B 口出来步行三分钟就到。<img src="/demo/assets/showroom.svg" alt="展厅示意图">',
  },
  {
    language: 'zh_CN',
    question: '产品介绍',
    similarQuestions: ['dhkit是什么', '这是什么产品', '介绍一下产品', '有什么特点'],
    answer:
      'dhkit 是可嵌入的交互式数字人套件。它无需 GPU，在浏览器里绘制形象，通过一个端口完成对话和语音。![产品一览](/demo/assets/product.svg)',
  },
  {
    language: 'zh_CN',
    question: '多少钱',
    similarQuestions: ['价格', '收费吗', '要付费吗', '怎么收费', '免费吗'],
    answer: 'dhkit 本身是开源的，可以免费使用。如果你需要托管或定制服务，可以联系展厅的工作人员咨询报价。',
  },
  {
    language: 'zh_CN',
    question: '再见',
    similarQuestions: ['拜拜', '谢谢', '谢谢你', '多谢', '好的谢谢'],
    answer: '不客气！很高兴和你聊天。有问题随时再来找我。',
  },
  {
    language: 'zh_CN',
    question: '怎么打断你',
    similarQuestions: ['可以打断吗', '怎么让你停下', '别说了'],
    answer: '随时都可以。点一下打断按钮或者直接问新问题，我会马上停下来听你说。',
  },
  // ---- en_US ----
  {
    language: 'en_US',
    question: 'hello',
    similarQuestions: ['hi', 'hey', 'hi there', 'good morning', 'good afternoon', 'good evening', 'hello there'],
    answer: "Hello! I'm the dhkit demo avatar. Ask me what I can do, how to embed me in a web page, or where the showroom is.",
  },
  {
    language: 'en_US',
    question: 'what can you do',
    similarQuestions: ['what are you able to do', 'what do you do', 'help', 'introduce yourself', 'who are you'],
    answer:
      'I answer questions from my knowledge base. I speak with captions, and my answers can include images and links. You can ' +
      'interrupt me at any time.',
  },
  {
    language: 'en_US',
    question: 'who made you',
    similarQuestions: ['who built you', 'who created you', 'who developed dhkit', 'who is behind this'],
    answer: 'I was made with dhkit, an open-source project. It has a browser SDK and a small companion server that anyone can host.',
  },
  {
    language: 'en_US',
    question: 'how do I embed you in my website',
    similarQuestions: ['how to embed', 'how do I integrate you', 'script tag', 'how do I add you to my page', 'how to use the sdk'],
    answer:
      'With one script tag. Load /sdk/dhkit.umd.js, then call DHKit.create with the server address, the robot id and a ' +
      'once-code. Here is how the pieces fit: ![dhkit architecture](/demo/assets/architecture.svg)',
  },
  {
    language: 'en_US',
    question: 'which languages do you speak',
    similarQuestions: ['what languages are supported', 'do you speak chinese', 'can you speak english', 'can I switch language'],
    answer: 'I speak Chinese and English. Ask in either one, and I answer in the same language.',
  },
  {
    language: 'en_US',
    question: 'what about privacy',
    similarQuestions: ['do you store my data', 'privacy policy', 'what is the AI label', 'are you a real person', 'are you human'],
    answer:
      "I'm an AI avatar, not a person. That is why you see the AI-generated label. The server is self-hosted, so conversations " +
      'stay on your own machines.',
  },
  {
    language: 'en_US',
    question: 'what are the opening hours',
    similarQuestions: ['when are you open', 'when does the showroom open', 'opening times', 'are you open on weekends'],
    answer: 'The showroom is open Monday to Friday, 9 am to 6 pm. On Saturdays it opens from 10 am to 4 pm, and it is closed on Sundays.',
  },
  {
    language: 'en_US',
    question: 'where is the showroom',
    similarQuestions: ['showroom address', 'how do I get to the showroom', 'where are you located', 'what is your address'],
    answer:
      'The showroom is at 88 Riverside Road, Example City. It is a three-minute walk from Riverside station, exit B. <img ' +
      'src="/demo/assets/showroom.svg" alt="Showroom map">',
  },
  {
    language: 'en_US',
    question: 'tell me about the product',
    similarQuestions: ['what is dhkit', 'product overview', 'what is this', 'what are the features'],
    answer:
      'dhkit is an embeddable kit for interactive digital humans. It needs no GPU: the avatar is drawn in the browser, and ' +
      'speech and chat share one port. ![Product overview](/demo/assets/product.svg)',
  },
  {
    language: 'en_US',
    question: 'how much does it cost',
    similarQuestions: ['pricing', 'price', 'is it free', 'do I have to pay'],
    answer: 'dhkit itself is open source and free to use. For hosting or custom work, ask the showroom team for a quote.',
  },
  {
    language: 'en_US',
    question: 'goodbye',
    similarQuestions: ['bye', 'thanks', 'thank you', 'see you', 'thanks a lot'],
    answer: "You're welcome! It was nice talking to you. Come back any time.",
  },
  {
    language: 'en_US',
    question: 'can I interrupt you',
    similarQuestions: ['how do I stop you', 'stop talking', 'be quiet'],
    answer: 'Any time. Press the interrupt button or just ask a new question, and I stop right away.',
  },
];
