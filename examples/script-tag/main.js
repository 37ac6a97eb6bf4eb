// Ask our backend for a once-code, then start the digital human in #avatar.
const status = document.getElementById('status');

fetch('/api/dh-session', { method: 'POST' })
  .then((response) => response.json())
  .then(({ serverAddress, robotId, onceCode }) =>
    DHKit.create({ serverAddress, robotId, onceCode, containerId: 'avatar', config: { enableCaption: true } }),
  )
  .then((dh) => {
    window.dh = dh;
    // The demo robot starts in Chinese; this page is in English, so its assistant speaks English too.
    dh.changeLanguage({ langCode: 'en_US' }).catch(() => {});
    dh.on('semanticRecognized', (e) => {
      if (e.isLast) status.textContent = '';
    });
    dh.on('error', (e) => (status.textContent = e.message));
  })
  .catch((error) => (status.textContent = `The assistant is unavailable: ${error.message}`));
