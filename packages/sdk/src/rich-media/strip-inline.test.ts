import { describe, expect, it } from 'vitest';
import { stripInlineScriptAndStyle as strip } from './strip-inline.js';

describe('stripInlineScriptAndStyle (CSP report noise, not the security boundary)', () => {
  it('drops event handler and style attributes, keeping the rest of the tag', () => {
    expect(strip('<img src="a.png" onerror="x()" alt=\'b\'>')).toBe('<img src="a.png" alt=\'b\'>');
    expect(strip('<p STYLE="color:red" title=t>x</p>')).toBe('<p title=t>x</p>');
    expect(strip('<img/onerror=alert(1)/src=x>')).toBe('<img>');
    expect(strip('<img src=x/onerror=alert(1)>'), 'an unquoted value runs on through "/"').toBe('<img src=x/onerror=alert(1)>');
    expect(strip('<img src=x/ onerror=alert(1)>')).toBe('<img src=x/>');
    expect(strip('<svg onload = "a()" ><circle/></svg>')).toBe('<svg ><circle/></svg>');
    expect(strip('<a href="x" ONCLICK=go() >t</a>')).toBe('<a href="x" >t</a>');
    expect(strip('<img src=x style>')).toBe('<img src=x>');
  });

  it('leaves handlers that are only text inside a quoted value, as the parser does', () => {
    expect(strip('<p title="</noscript><img src=x onerror=a()>">t</p>')).toBe('<p title="</noscript><img src=x onerror=a()>">t</p>');
  });

  it('drops script and style elements with their content, closed or not', () => {
    expect(strip('a<script>x()</script>b<STYLE>p{}</style >c')).toBe('abc');
    expect(strip('a<style>p{background:url(x)}')).toBe('a');
    expect(strip('<svg><p><style><img src=x onerror=a()></style></p></svg>')).toBe('<svg><p></p></svg>');
  });

  it('keeps plain text, comments and entities as they are', () => {
    expect(strip('1 < 2 and onerror=x is text &amp; <!-- c -->')).toBe('1 < 2 and onerror=x is text &amp; <!-- c -->');
    expect(strip('<p>ok</p> <br>')).toBe('<p>ok</p> <br>');
  });

  it('stops at a tag that never ends (the parser drops it)', () => {
    expect(strip('<p>a</p><img src=x onerror="a()')).toBe('<p>a</p><img src=x onerror="a()');
  });
});
