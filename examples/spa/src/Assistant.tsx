import { useRef } from 'react';
import { useDigitalHuman } from './use-digital-human';

export function Assistant() {
  const box = useRef<HTMLDivElement>(null);
  const { dh, problem } = useDigitalHuman(box, { enableCaption: true, enableMediaViewer: true, enableHotIssues: true });
  return (
    <section className="assistant" aria-label="Assistant">
      <div ref={box} className="avatar" data-ready={dh ? 'yes' : 'no'} />
      <p className="problem" role="status">
        {problem}
      </p>
    </section>
  );
}
