import { useState } from 'react';
import { Assistant } from './Assistant';

export function App() {
  const [open, setOpen] = useState(true);
  return (
    <main>
      <h1>Example Bank</h1>
      <p>Ask our assistant about opening hours or where the showroom is.</p>
      <button type="button" onClick={() => setOpen(!open)}>
        {open ? 'Close the assistant' : 'Open the assistant'}
      </button>
      {open && <Assistant />}
    </main>
  );
}
