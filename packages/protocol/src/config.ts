/**
 * SDK config keys. Names and defaults follow the reference SDK (HwICSUiSdk) so its users feel at home.
 * Unknown keys warn and are ignored; they never throw.
 */
export interface DigitalHumanConfig {
  /** Built-in captions and rich-media display. false: nothing shown, semanticRecognized still fires. */
  enableCaption: boolean;
  /** Show the text input and send button. */
  enableChatBtn: boolean;
  /** Show the robot's hot questions. */
  enableHotIssues: boolean;
  /** Show the language switch. */
  showLanguageUI: boolean;
  /** false: transparent background, so the host page shows through. */
  useDefaultBackground: boolean;
  /** Open images and videos of answers in a viewer. */
  enableMediaViewer: boolean;
  /** Interrupt the avatar when the visitor starts speaking. */
  enableVadInterrupt: boolean;
  /**
   * Sleep and wake-up: after `sleepAfterIdleSeconds` without interaction the avatar sleeps (`enterSleep`) and
   * ignores speech until the wake word (`wakeWord`, heard in the browser by openWakeWord while hands-free
   * voice is on) or `wakeup({type})` from a kiosk's sensor (`enterActive`).
   */
  enableLocalWakeup: boolean;
  /** Idle time before the avatar sleeps when `enableLocalWakeup` is on; 0 never sleeps on its own. */
  sleepAfterIdleSeconds: number;
  /** The wake word: 'hey_jarvis' | 'alexa' | 'hey_mycroft' | 'hey_rhasspy' (the openWakeWord models shipped). */
  wakeWord: string;
  /** Wake-word score (0..1) that wakes the avatar. */
  wakeWordThreshold: number;
  /**
   * Who turns the visitor's speech into text: 'server' (the robot's `asr`, see docs/voice.md) or 'browser'
   * (the browser's own SpeechRecognition, where it exists; otherwise the server's is used).
   */
  asrMode: 'server' | 'browser';
  /** Start with the avatar's audio muted. */
  defaultMuteRemoteAudio: boolean;
  /** Show non-fatal errors to the visitor too. */
  enableWeakErrorInfo: boolean;
  /** Let the visitor choose the microphone. */
  enableDeviceSetting: boolean;
}

export const DEFAULT_CONFIG: Readonly<DigitalHumanConfig> = Object.freeze({
  enableCaption: false,
  enableChatBtn: true,
  enableHotIssues: false,
  showLanguageUI: false,
  useDefaultBackground: true,
  enableMediaViewer: false,
  enableVadInterrupt: false,
  enableLocalWakeup: false,
  sleepAfterIdleSeconds: 120,
  wakeWord: 'hey_jarvis',
  wakeWordThreshold: 0.5,
  asrMode: 'server',
  defaultMuteRemoteAudio: false,
  enableWeakErrorInfo: false,
  enableDeviceSetting: false,
});

export const CONFIG_KEYS = Object.keys(DEFAULT_CONFIG) as (keyof DigitalHumanConfig)[];
