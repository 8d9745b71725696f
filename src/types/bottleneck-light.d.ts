// Bottleneck's light build (no Redis clustering), the one @octokit/plugin-throttling loads: its
// API is the full build's, whose types the package ships.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
