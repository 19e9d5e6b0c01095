/**
 * Link messages (RTM_NEWLINK / DELLINK / GETLINK / SETLINK): struct
 * ifinfomsg followed by IFLA_* attributes (message.ts), plus the friendly
 * `Link` view (link.ts, and read.ts for building it straight from bytes).
 */
export * from './message.js';
export * from './header.js';
export * from './attrs.js';
export * from './af-spec.js';
export * from './codecs.js';
export * from './stats.js';
export * from './linkinfo.js';
export * from './view.js';
export * from './read.js';
export * from './validate.js';
export * from './kinds/bridge.js';
export * from './kinds/bridge-port.js';
export * from './kinds/tun.js';
export * from './kinds/vxlan.js';
export * from './kinds/veth.js';
export * from './kinds/ifb.js';
export * from './flags-text.js';
export * from './kinds/tun-device.js';
export * from './kinds/index.js';
export * from './kinds/vlan.js';
export * from './kinds/convs.js';
export * from './kinds/dummy.js';
export * from './kinds/macvlan.js';
export * from './kinds/ipvlan.js';
export * from './kinds/vrf.js';
export * from './kinds/bond.js';
export * from './kinds/geneve.js';
export * from './kinds/gre.js';
export * from './kinds/iptun.js';
export * from './kinds/ip6-tunnel.js';
export * from './kinds/ip6tnl.js';
export * from './kinds/ip6gre.js';
export * from './kinds/wireguard.js';
export * from './kinds/netkit.js';
export * from './af-bridge.js';
