import type { Plugin } from 'vite';

/**
 * `proofline.js`, the file a page includes with `<script src=".../proofline.js" async>`: a classic
 * script (no build step on the page) that imports the ES module entry from next to itself, so every
 * chunk resolves relative to the script's own URL. `?onload=fnName` calls a global function once the
 * `proofline` object exists, as Turnstile's `onload` parameter does.
 */
const source = `(function(){
var s=document.currentScript,src=s&&s.src||location.href,u=new URL(src),cb=u.searchParams.get("onload");
import(new URL("./proofline.esm.js",src).href).then(function(){
if(cb&&typeof window[cb]==="function")window[cb]();
},function(e){console.error("proofline: could not load the widget",e);});
})();
`;

export function classicLoader(): Plugin {
  return {
    name: 'proofline-classic-loader',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'proofline.js', source });
    },
  };
}
