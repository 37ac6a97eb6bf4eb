// The demo page's embed: fetch a once-code from the demo endpoint (a real site mints it on its backend),
// then create the digital human in #avatar. No inline script: the page runs under a strict CSP.
(() => {
  var status = document.getElementById('dh-status');

  function showError(error) {
    var code = error?.code ? ` (${error.code})` : '';
    var message = error?.message || 'unknown error';
    status.textContent = `Sorry, the avatar could not start: ${message}${code}. Reload the page to try again.`;
    status.className = 'status error';
  }

  if (typeof window.DHKit === 'undefined') {
    showError({ message: 'the SDK (/sdk/dhkit.umd.js) did not load' });
    window.dhReady = Promise.reject(new Error('SDK not loaded'));
    window.dhReady.catch(() => {});
    return;
  }

  window.dhReady = fetch('/demo/once-code', { method: 'POST' })
    .then((response) =>
      response.json().then((body) => {
        if (!response.ok) throw body.error || new Error(`HTTP ${response.status}`);
        return body;
      }),
    )
    .then((code) =>
      window.DHKit.create({
        serverAddress: location.origin,
        robotId: 'demo',
        onceCode: code.onceCode,
        containerId: 'avatar',
        config: { enableCaption: true },
      }),
    );

  // The demo robot starts in Chinese; a visitor whose browser prefers another language gets English (the
  // answers follow the language of each question either way).
  function preferredLanguage(list) {
    var wanted = /^zh/i.test(navigator.language || '') ? 'zh_CN' : 'en_US';
    return list.indexOf(wanted) !== -1 ? wanted : null;
  }

  window.dhReady.then((dh) => {
    window.dh = dh;
    var info = dh.getLanguageInfo();
    var wanted = preferredLanguage(info.languageList || []);
    if (wanted && wanted !== info.currentLanguage) dh.changeLanguage({ langCode: wanted }).catch(() => {});
    status.textContent = 'Ready. Type a question below the avatar.';
  }, showError);
})();
