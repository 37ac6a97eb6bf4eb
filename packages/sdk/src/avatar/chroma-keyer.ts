/**
 * The green-screen key of a streamed avatar (media mode `livekit`, `chromaKey: true`): the renderer draws pure
 * `#00ff00` behind the avatar, and this draws the video through WebGL with that green made transparent, so the
 * avatar floats over the page.
 */
export class ChromaKeyer {
  readonly canvas = document.createElement('canvas');
  private readonly gl: WebGLRenderingContext | null;
  private frame = 0;

  constructor(video: HTMLVideoElement) {
    this.canvas.setAttribute('part', 'avatar-video');
    this.canvas.style.width = '100%';
    this.canvas.style.height = '100%';
    this.canvas.style.objectFit = 'contain';
    this.gl = this.canvas.getContext('webgl', { premultipliedAlpha: false, alpha: true, preserveDrawingBuffer: true });
    if (!this.gl) return;
    const gl = this.gl;
    const program = gl.createProgram()!;
    for (const [type, source] of [
      [gl.VERTEX_SHADER, 'attribute vec2 p;varying vec2 uv;void main(){uv=vec2((p.x+1.)/2.,(1.-p.y)/2.);gl_Position=vec4(p,0.,1.);}'],
      [gl.FRAGMENT_SHADER, KEY_SHADER],
    ] as const) {
      const shader = gl.createShader(type)!;
      gl.shaderSource(shader, source);
      gl.compileShader(shader);
      gl.attachShader(program, shader);
    }
    gl.linkProgram(program);
    gl.useProgram(program);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    const position = gl.getAttribLocation(program, 'p');
    gl.enableVertexAttribArray(position);
    gl.vertexAttribPointer(position, 2, gl.FLOAT, false, 0, 0);
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    for (const parameter of [gl.TEXTURE_WRAP_S, gl.TEXTURE_WRAP_T]) gl.texParameteri(gl.TEXTURE_2D, parameter, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    const draw = () => {
      this.frame = requestAnimationFrame(draw);
      if (video.readyState < 2 || video.videoWidth === 0) return;
      if (this.canvas.width !== video.videoWidth) {
        this.canvas.width = video.videoWidth;
        this.canvas.height = video.videoHeight;
        gl.viewport(0, 0, video.videoWidth, video.videoHeight);
      }
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, video);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    };
    // The video element is not in the page; it still decodes once playing.
    void video.play().catch(() => undefined);
    draw();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.canvas.remove();
  }
}

/** Alpha from the distance to pure green in chroma space, with a soft edge and green spill removed. */
const KEY_SHADER = `precision mediump float;varying vec2 uv;uniform sampler2D t;
void main(){vec4 c=texture2D(t,uv);
float cb=-0.169*c.r-0.331*c.g+0.5*c.b,cr=0.5*c.r-0.419*c.g-0.081*c.b;
float d=distance(vec2(cb,cr),vec2(-0.331,-0.419));
float a=smoothstep(0.32,0.42,d);
c.g=min(c.g,max(c.r,c.b));
gl_FragColor=vec4(c.rgb,a);}`;
