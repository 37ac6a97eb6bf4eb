// Written against HwICSUiSdk's documented API: static methods, eventListeners by name, results with
// {result, errorCode}. window.__log records what the page saw, for the test.
window.__log = [];
const log = (name, payload) => window.__log.push({ name, payload });
const answer = document.getElementById('answer');
let answerText = '';

HwICSUiSdk.addEventListeners({
  jobInfoChange: (jobInfo) => log('jobInfoChange', jobInfo),
  speakingStart: (e) => log('speakingStart', e),
  speakingStop: (e) => log('speakingStop', e),
  semanticRecognized: (e) => {
    log('semanticRecognized', e);
    answerText += e.text;
    if (e.isLast) {
      answer.textContent = answerText;
      answerText = '';
    }
  },
  languageInfoChange: (info) => log('languageInfoChange', info),
  jobEnd: (e) => log('jobEnd', e),
  error: (e) => log('error', e),
});

async function start() {
  if (!(await HwICSUiSdk.checkBrowserSupport())) return log('unsupported', {});
  HwICSUiSdk.setLogLevel('warn');
  // The once-code comes from this site's backend (with MetaStudio it came from its own API).
  const { serverAddress, robotId, onceCode } = await (await fetch('/once-code', { method: 'POST' })).json();
  try {
    await HwICSUiSdk.create({
      serverAddress,
      robotId,
      onceCode,
      containerId: 'ics-container',
      config: { enableCaption: true, enableChatBtn: false, enableJobCache: true, enableNetworkCheck: true },
    });
    await HwICSUiSdk.initResourcePath({ wasmPath: '/wakeup/wasm', dataPath: '/wakeup/data' });
    log('created', await HwICSUiSdk.getJobInfo());
  } catch (error) {
    log('createFailed', { code: error.code, message: error.message });
  }
}

document.getElementById('ask').addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = await HwICSUiSdk.sendTextQuestion({ text: document.getElementById('question').value });
  log('asked', result);
});
document.getElementById('language').addEventListener('click', async () => {
  const next = HwICSUiSdk.getLanguageInfo().currentLanguage === 'zh_CN' ? 'en_US' : 'zh_CN';
  log('languageChanged', await HwICSUiSdk.changeLanguage({ langCode: next }));
  log('languageInfo', HwICSUiSdk.getLanguageInfo());
});
document.getElementById('end').addEventListener('click', async () => {
  await HwICSUiSdk.destroy();
  log('destroyed', await HwICSUiSdk.getJobInfo());
});

start();
