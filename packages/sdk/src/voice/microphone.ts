/**
 * The microphone through the capture AudioWorklet (`/sdk/voice/capture-worklet.js`, loaded from the server's
 * origin: no blob URL, no eval): 512-sample 16 kHz mono frames, 32 ms each.
 */
export interface Microphone {
  readonly context: AudioContext;
  readonly stream: MediaStream;
  /** The device in use (its label may be empty before permission). */
  readonly deviceId: string | undefined;
  /** Receives 512-sample 16 kHz mono frames (none while they are routed elsewhere). */
  onFrame: ((frame: Float32Array) => void) | null;
  /** Sends the frames to `port` (handed over) instead of `onFrame`; null: back to `onFrame`. */
  routeFrames(port: MessagePort | null): void;
  close(): Promise<void>;
}

export interface MicrophoneOptions {
  /** `{base}/capture-worklet.js`. */
  assetBase: string;
  deviceId?: string;
}

/**
 * Opens the microphone with echo cancellation, noise suppression and auto gain (the browser's, which also
 * cancels the avatar's own voice played by this page). Rejects with the getUserMedia DOMException.
 */
export async function openMicrophone(options: MicrophoneOptions): Promise<Microphone> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      channelCount: 1,
      ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}),
    },
  });
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(`${options.assetBase}/capture-worklet.js`);
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'dhkit-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    source.connect(node);
    if (context.state === 'suspended') await context.resume().catch(() => undefined);
    const microphone: Microphone = {
      context,
      stream,
      deviceId: stream.getAudioTracks()[0]?.getSettings().deviceId,
      onFrame: null,
      routeFrames(port) {
        node.port.postMessage({ route: port }, port ? [port] : []);
      },
      async close() {
        node.port.onmessage = null;
        source.disconnect();
        for (const track of stream.getTracks()) track.stop();
        await context.close().catch(() => undefined);
      },
    };
    node.port.onmessage = (event: MessageEvent<Float32Array>) => microphone.onFrame?.(event.data);
    return microphone;
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    await context.close().catch(() => undefined);
    throw error;
  }
}
