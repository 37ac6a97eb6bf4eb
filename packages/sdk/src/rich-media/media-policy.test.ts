import { describe, expect, it } from 'vitest';
import { checkDimension, checkLinkUrl, checkMediaUrl, createMediaPolicy } from './media-policy.js';

const policy = createMediaPolicy('https://dh.example.com/dhkit', ['cdn.example.com', 'Media.Example.org:8443']);

describe('media policy', () => {
  it('resolves relative URLs against the server address, not the page', () => {
    expect(policy.base).toBe('https://dh.example.com/dhkit/');
    expect(checkMediaUrl('pics/a.png', 'image', policy)).toEqual({ ok: true, url: 'https://dh.example.com/dhkit/pics/a.png' });
    expect(checkMediaUrl('/pics/a.png', 'image', policy)).toEqual({ ok: true, url: 'https://dh.example.com/pics/a.png' });
  });

  it('accepts bare and http addresses like create() does', () => {
    expect(createMediaPolicy('dh.example.com:8443').serverOrigin).toBe('https://dh.example.com:8443');
    expect(createMediaPolicy('localhost:8080').serverOrigin).toBe('https://localhost:8080');
    expect(createMediaPolicy('127.0.0.1:8080/x').base).toBe('https://127.0.0.1:8080/x/');
    expect(createMediaPolicy('http://127.0.0.1:8080').serverOrigin).toBe('http://127.0.0.1:8080');
  });

  it('lets the server origin use http (local development) but nobody else', () => {
    const local = createMediaPolicy('http://127.0.0.1:8080', ['cdn.example.com']);
    expect(checkMediaUrl('http://127.0.0.1:8080/a.jpg', 'image', local).ok).toBe(true);
    expect(checkMediaUrl('http://cdn.example.com/a.jpg', 'image', local)).toEqual({ ok: false, reason: 'scheme' });
    expect(checkMediaUrl('http://127.0.0.1:9999/a.jpg', 'image', local)).toEqual({ ok: false, reason: 'scheme' });
  });

  it('allows allowlisted hosts over https only, ports matching exactly', () => {
    expect(checkMediaUrl('https://cdn.example.com/x/y.JPG', 'image', policy).ok).toBe(true);
    expect(checkMediaUrl('https://CDN.example.com:443/y.gif', 'image', policy).ok).toBe(true);
    expect(checkMediaUrl('https://media.example.org:8443/v.mp4', 'video', policy).ok).toBe(true);
    expect(checkMediaUrl('https://media.example.org/v.mp4', 'video', policy)).toEqual({ ok: false, reason: 'host' });
    expect(checkMediaUrl('https://cdn.example.com:444/y.gif', 'image', policy)).toEqual({ ok: false, reason: 'host' });
    expect(checkMediaUrl('https://evil.cdn.example.com/y.gif', 'image', policy)).toEqual({ ok: false, reason: 'host' });
    expect(checkMediaUrl('https://cdn.example.com.evil.example/y.gif', 'image', policy)).toEqual({ ok: false, reason: 'host' });
    expect(checkMediaUrl('http://cdn.example.com/y.gif', 'image', policy)).toEqual({ ok: false, reason: 'scheme' });
    expect(checkMediaUrl('//evil.example/y.gif', 'image', policy)).toEqual({ ok: false, reason: 'host' });
    expect(checkMediaUrl('https://cdn.example.com@evil.example/y.gif', 'image', policy)).toEqual({ ok: false, reason: 'credentials' });
  });

  it('refuses script, data and blob URLs for media', () => {
    expect(checkMediaUrl('javascript:alert(1)//.png', 'image', policy)).toEqual({ ok: false, reason: 'scheme' });
    expect(checkMediaUrl('data:image/png;base64,AAAA', 'image', policy)).toEqual({ ok: false, reason: 'scheme' });
    expect(checkMediaUrl('blob:https://dh.example.com/1234', 'image', policy).ok).toBe(false);
    expect(checkMediaUrl('   ', 'image', policy)).toEqual({ ok: false, reason: 'invalid-url' });
    expect(checkMediaUrl('https://[::1', 'image', policy)).toEqual({ ok: false, reason: 'invalid-url' });
  });

  it('checks the type by extension: pictures for img and posters, mp4 for video', () => {
    for (const ext of ['jpg', 'jpeg', 'png', 'bmp', 'gif', 'webp', 'svg']) {
      expect(checkMediaUrl(`https://cdn.example.com/a.${ext}?v=1#x`, 'image', policy).ok, ext).toBe(true);
    }
    expect(checkMediaUrl('https://cdn.example.com/a.webp', 'image', policy)).toEqual({ ok: true, url: 'https://cdn.example.com/a.webp' });
    expect(checkMediaUrl('https://cdn.example.com/a.webp', 'video', policy)).toEqual({ ok: false, reason: 'type' });
    expect(checkMediaUrl('https://cdn.example.com/a.mp4', 'image', policy)).toEqual({ ok: false, reason: 'type' });
    expect(checkMediaUrl('https://cdn.example.com/a.png', 'video', policy)).toEqual({ ok: false, reason: 'type' });
    expect(checkMediaUrl('https://cdn.example.com/image?id=3', 'image', policy)).toEqual({ ok: false, reason: 'type' });
    expect(checkMediaUrl('https://cdn.example.com/a.svg.html', 'image', policy)).toEqual({ ok: false, reason: 'type' });
    expect(checkMediaUrl('https://dh.example.com/avatar.html', 'image', policy)).toEqual({ ok: false, reason: 'type' });
  });

  it('allows only http, https, mailto and tel links, made absolute', () => {
    expect(checkLinkUrl('https://example.com/a?b#c', policy)).toEqual({ ok: true, url: 'https://example.com/a?b#c' });
    expect(checkLinkUrl('http://example.com', policy)).toEqual({ ok: true, url: 'http://example.com/' });
    expect(checkLinkUrl('mailto:help@example.com', policy)).toEqual({ ok: true, url: 'mailto:help@example.com' });
    expect(checkLinkUrl('tel:+41-44-123-45-67', policy)).toEqual({ ok: true, url: 'tel:+41-44-123-45-67' });
    expect(checkLinkUrl('TEL:123', policy)).toEqual({ ok: true, url: 'tel:123' });
    expect(checkLinkUrl('faq.html', policy)).toEqual({ ok: true, url: 'https://dh.example.com/dhkit/faq.html' });
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' java\tscript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>',
      'sms:123',
      'file:///etc/passwd',
    ]) {
      expect(checkLinkUrl(bad, policy).ok, bad).toBe(false);
    }
  });

  it('keeps only plain pixel sizes', () => {
    expect(checkDimension('320')).toBe('320');
    expect(checkDimension(' 0040 ')).toBe('40');
    expect(checkDimension('0')).toBeNull();
    expect(checkDimension('100%')).toBeNull();
    expect(checkDimension('1e3')).toBeNull();
    expect(checkDimension('99999')).toBeNull();
    expect(checkDimension('expression(alert(1))')).toBeNull();
  });
});
