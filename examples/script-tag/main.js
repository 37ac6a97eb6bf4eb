// Ask our backend for a once-code, then start the digital human in #avatar.
const status = document.getElementById('status');

fetch('/api/dh-session', { method: 'POST' })
  .then((response) => response.json())
  .then(({ serverAddress, robotId, onceCode }) =>
    DHKit.create({ serverAddress, robotId, onceCode, containerId: 'avatar', config: { enableCaption: true } }),
  )
  .then((dh) => {
    window.dh = dh;
    dh.on('semanticRecognized', (e) => {
      if (e.isLast) status.textContent = '';
    });
    dh.on('error', (e) => (status.textContent = e.message));
  })
  .catch((error) => (status.textContent = `The assistant is unavailable: ${error.message}`));
