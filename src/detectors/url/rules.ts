// Offline URL heuristics as data: rule ids (`url.*`, never reused), scores, messages and the host
// lists they use. Scores were chosen on the dev split of ../shared/corpora/urls only; the README
// section "Host integrity and VirusTotal" has the dev/test results.
//
// A URL arrives as a `{url}` action with no tool bonus, so a rule of >= 35 reviews on its own and
// weaker signals (risky TLD, free hosting, sensitive keyword...) need to add up.

export interface UrlRule {
  readonly id: string;
  readonly score: number;
  /** What was found, why it matters, what to do. */
  readonly message: string;
}

const rule = (id: string, score: number, message: string): UrlRule => ({ id, score, message });

export const URL_RULES = {
  javascript: rule("url.javascript-scheme", 70, "javascript:/vbscript: URL runs script when opened; never open it"),
  dataActive: rule("url.data-active", 65, "data: URL carries HTML/script/SVG content (a page smuggled inside the link); do not open it"),
  data: rule("url.data", 20, "data: URL embeds its content instead of pointing to a site; check what it contains"),
  fileScheme: rule("url.file-scheme", 30, "file:/smb: URL points at a local or network file share; check that the agent should read it"),
  ipObfuscated: rule("url.ip-obfuscated", 65, "host is an IP address written in decimal, hex or octal form to hide it; treat as hostile"),
  ipLiteral: rule("url.ip-literal", 40, "host is a bare public IP address instead of a domain name; confirm the destination"),
  ipInternal: rule("url.ip-internal", 15, "host is a loopback or private-network address; check the agent is meant to reach internal services"),
  localControl: rule("url.local-control", 65, "URL opens a control API on this machine: the OpenClaw Gateway (its API and Control UI, where approvals are granted), the Docker API or the kubelet; an agent driving it can approve its own actions or escape to the host"),
  smugglingScheme: rule("url.smuggling-scheme", 50, "gopher:/dict: URL writes raw bytes to a TCP service (SSRF against Redis, memcached, SMTP …); an agent has no reason to open one"),
  cloudMetadata: rule("url.cloud-metadata", 70, "URL targets a cloud metadata endpoint (credential theft via SSRF); block it"),
  credentials: rule("url.credentials", 40, "URL contains a user name and password; credentials in links leak into logs and history"),
  userinfoDeception: rule("url.userinfo-deception", 65, "text before '@' looks like a domain but the real host comes after it (http://bank.com@evil.example)"),
  mixedScript: rule("url.mixed-script", 65, "a domain label mixes Latin with Cyrillic/Greek letters (homograph attack)"),
  homoglyph: rule("url.homoglyph", 65, "domain uses non-Latin letters that look like Latin ones, spelling a different-looking name"),
  punycode: rule("url.punycode", 25, "internationalized (punycode xn--) domain; check the decoded name is the site you expect"),
  typosquat: rule("url.typosquat", 45, "domain imitates a well-known brand with swapped or look-alike characters"),
  brand: rule("url.brand-impersonation", 35, "a well-known brand name appears in a host that the brand does not own"),
  keyword: rule("url.sensitive-keyword", 25, "host contains a credential/payment keyword (login, verify, secure, wallet...) typical of phishing"),
  keywords: rule("url.sensitive-keywords", 35, "host contains several credential/payment keywords (login, verify, secure, wallet...) typical of phishing"),
  embeddedDomain: rule("url.embedded-domain", 40, "host contains another domain (e.g. paypal.com-secure.example or bank.co.jp.evil.example) to look legitimate"),
  exfilHost: rule("url.exfil-endpoint", 45, "request-capture/webhook service (webhook.site, requestbin, interactsh, Discord/Slack webhook...) used to exfiltrate data"),
  tunnelHost: rule("url.tunnel-host", 40, "tunnel service host (ngrok, trycloudflare, localtunnel...) exposing an unknown machine"),
  pasteHost: rule("url.paste-host", 35, "paste or anonymous file-drop host, a common stage for payloads and stolen data"),
  throwawayHost: rule("url.throwaway-hosting", 35, "free anonymous hosting, dynamic DNS or IPFS gateway heavily used for phishing"),
  freeHosting: rule("url.free-hosting", 25, "site on a free web-hosting/site-builder platform where anyone can publish"),
  shortener: rule("url.shortener", 25, "URL shortener hides the real destination; expand it before trusting it"),
  abusedTld: rule("url.abused-tld", 35, "top-level domain where most registrations are abusive (.top .xyz .icu .cfd .sbs .cc ...)"),
  riskyTld: rule("url.risky-tld", 25, "top-level domain with a high share of abuse"),
  riskyCcTld: rule("url.risky-cctld", 15, "country top-level domain with a high phishing share"),
  freeTld: rule("url.abused-free-tld", 40, "top-level domain from former free registries (.tk .ml .ga .cf .gq), heavily abused"),
  manySubdomains: rule("url.many-subdomains", 15, "unusually many subdomain levels"),
  longHost: rule("url.long-host", 10, "unusually long host name"),
  randomHost: rule("url.random-host", 20, "host label looks machine-generated (digit/letter mix or no vowels)"),
  generatedHost: rule("url.generated-host", 35, "host label is a hash, UUID or long digit string (machine-generated throwaway name)"),
  ipInHost: rule("url.ip-in-host", 35, "host name is an IP address spelled as labels (1-2-3-4.example or 4.3.2.1.example): a bare machine"),
  hyphens: rule("url.hyphenated-host", 15, "host label made of several hyphenated words, typical of phishing domains"),
  longUrl: rule("url.very-long", 15, "very long URL (used to hide the real destination or smuggle data)"),
  encodedHost: rule("url.encoded-host", 45, "percent-encoded characters in the host name (obfuscation)"),
  heavilyEncoded: rule("url.heavily-encoded", 20, "most of the URL is percent-encoded or contains encoded control characters (obfuscation)"),
  digitLabel: rule("url.digit-label", 15, "host label starts with digits or ends in a long number (365b04, 8kd., bet83080): cheap bulk-registered or generated name"),
  oddPort: rule("url.unusual-port", 10, "web URL on an unusual port"),
  executable: rule("url.executable-download", 20, "URL downloads an executable or script file"),
} as const;

/** Webhook / request-capture / out-of-band interaction services. Suffix match on the host. */
export const EXFIL_HOSTS: readonly string[] = [
  "webhook.site", "requestbin.com", "requestbin.net", "requestcatcher.com", "pipedream.net", "hookbin.com", "beeceptor.com",
  "mockbin.org", "requestinspector.com", "interact.sh", "interactsh.com", "oast.pro", "oast.live", "oast.site", "oast.online",
  "oast.fun", "oast.me", "burpcollaborator.net", "oastify.com", "canarytokens.com", "dnslog.cn", "ceye.io", "webhook.cool",
  "postb.in", "ptsv2.com", "ptsv3.com", "putsreq.com", "requestrepo.com", "hookdeck.com",
];
/** Webhook paths on otherwise ordinary hosts: [host suffix, path prefix]. */
export const EXFIL_PATHS: readonly (readonly [string, string])[] = [
  ["discord.com", "/api/webhooks"], ["discordapp.com", "/api/webhooks"], ["ptb.discord.com", "/api/webhooks"], ["canary.discord.com", "/api/webhooks"],
  ["hooks.slack.com", "/services/"], ["hooks.slack.com", "/workflows/"], ["api.telegram.org", "/bot"],
];
export const TUNNEL_HOSTS: readonly string[] = [
  "ngrok.io", "ngrok-free.app", "ngrok.app", "ngrok-free.dev", "ngrok.dev", "trycloudflare.com", "loca.lt", "localtunnel.me", "serveo.net",
  "localhost.run", "lhr.life", "lhr.rocks", "pagekite.me", "telebit.io", "tunnelto.dev", "bore.pub", "localxpose.io", "loclx.io",
  "pinggy.link", "pinggy.io", "a.pinggy.io", "devtunnels.ms", "tunnelmole.net", "packetriot.net", "playit.gg", "zrok.io",
];
export const PASTE_HOSTS: readonly string[] = [
  "pastebin.com", "paste.ee", "pastebin.pl", "hastebin.com", "hastebin.skyra.pw", "ghostbin.com", "ghostbin.co", "rentry.co", "rentry.org",
  "transfer.sh", "file.io", "0x0.st", "temp.sh", "termbin.com", "ix.io", "sprunge.us", "dpaste.com", "dpaste.org", "paste.rs",
  "controlc.com", "justpaste.it", "pastes.io", "paste.c-net.org", "anonfiles.com", "gofile.io", "catbox.moe", "litterbox.catbox.moe",
  "bashupload.com", "oshi.at", "filebin.net", "pixeldrain.com", "privatebin.net", "zerobin.net", "katb.in", "pastie.io",
  "paste.mozilla.org", "bpa.st", "textbin.net", "mediafire.com", "anonymfile.com", "uploadfiles.io", "tmpfiles.org", "files.catbox.moe",
];
/** Free anonymous hosting, dynamic DNS and IPFS gateways: mostly throwaway sites. */
export const THROWAWAY_HOSTS: readonly string[] = [
  "000webhostapp.com", "000webhost.com", "weebly.com", "webcindario.com", "atwebpages.com", "xsph.ru", "swtest.ru", "tmweb.ru",
  "serv00.net", "cprapid.com", "ewp.live", "filesusr.com", "w3s.link", "dweb.link", "ipfs.io", "cf-ipfs.com", "infura-ipfs.io",
  "ipfs.w3s.link", "nftstorage.link", "fleek.co", "4everland.io", "duckdns.org", "hopto.org", "myvnc.com", "no-ip.org", "no-ip.biz",
  "ddns.net", "zapto.org", "sytes.net", "servehttp.com", "serveftp.com", "redirectme.net", "dynu.net", "freedns.afraid.org",
  "mooo.com", "chickenkiller.com", "hostfree.pw", "byethost.com", "epizy.com", "rf.gd", "42web.io", "infinityfreeapp.com",
  "freevar.com", "ucoz.net", "ucoz.ru", "narod.ru", "tripod.com", "angelfire.com", "biz.nf", "pe.hu", "esy.es", "site123.me",
  "yolasite.com", "jimdosite.com", "mystrikingly.com", "godaddysites.com", "square.site", "wcomhost.com", "sites.google.com",
  "selcdn.ru", "appdomain.cloud", "ipns.dweb.link", "brizy.site", "hpage.com", "wapka.site", "8b.io", "plesk.page", "temp.domains",
  "webredirect.org", "authorizeddns.us", "authorizeddns.net", "260mb.net", "sitey.me", "siasky.net", "skynetfree.net", "dynv6.net",
  "ooguy.com", "accesscam.org", "camdvr.org", "ddnsfree.com", "ddnsking.com", "gotdns.ch", "kozow.com", "loseyourip.com",
  "mywire.org", "now-dns.com", "freeddns.org", "dnsalias.com", "dyndns.org", "dynalias.com", "servebeer.com", "servegame.com",
  "ddns.me", "3utilities.com", "bounceme.net", "gleeze.com", "ignorelist.com", "publicvm.com", "serveblog.net", "webhop.me",
  "wikaba.com", "x10host.com", "freehostia.com", "awardspace.com", "uw.hu", "orgfree.com", "netsons.org",
  "myftp.org", "myftp.biz", "servep2p.com", "us.kg", "eu.org", "g8way.io", "arweave.net", "ar-io.dev", "ihostfull.com", "unaux.com", "lovestoblog.com", "great-site.net", "free.nf", "kesug.com", "xo.je", "getenjoyment.net",
  "ydns.eu", "blogdns.com", "cloudns.nz", "cloudns.asia", "cloudns.cl", "cloudns.cc", "cloudns.be", "cloudns.ch", "cloudns.org", "freecluster.eu", "0fees.us",
  "f3322.net", "3322.org", "ddns.info", "dnsdojo.com", "homeip.net", "dyndns-ip.com", "moonfruit.com", "builder-preview.com", "builderallwppro.com",
];
/** General-purpose app/site platforms: legitimate, but anyone can publish. Weak signal alone. */
export const FREE_HOSTING: readonly string[] = [
  "netlify.app", "pages.dev", "workers.dev", "vercel.app", "web.app", "firebaseapp.com", "herokuapp.com", "glitch.me", "replit.dev",
  "repl.co", "replit.app", "webflow.io", "wixsite.com", "wix.com", "blogspot.com", "wordpress.com", "azurewebsites.net",
  "web.core.windows.net", "blob.core.windows.net", "windows.net", "pantheonsite.io", "typedream.app", "linodeobjects.com",
  "r2.dev", "s3.amazonaws.com", "amazonaws.com", "storage.googleapis.com", "firebasestorage.googleapis.com", "onrender.com",
  "fly.dev", "surge.sh", "notion.site", "framer.app", "framer.website", "carrd.co",
  "webnode.page", "tilda.ws", "myshopify.com", "ukit.me", "cloudfront.net", "digitaloceanspaces.com", "ondigitalocean.app",
  "railway.app", "deno.dev", "vercel.com", "wasmer.app", "webwave.dev", "weeblysite.com", "start.page", "canva.site", "my.canva.site",
  "mybluehost.me", "altervista.org", "amplifyapp.com", "easywp.com", "codeanyapp.com", "objectstorage.softlayer.net", "b-cdn.net", "codesandbox.io", "csb.app", "stackblitz.io", "backendless.app", "sharepoint.com", "dropboxusercontent.com",
  "telegra.ph", "forms.gle", "zeabur.app", "sibforms.com", "page.link", "glide.page", "webspace.re",
  "myftpupload.com", "ru.com", "sa.com", "cn.com", "br.com", "us.com", "za.com", "uk.com", "de.com", "eu.com", "jpn.com", "gb.net", "in.net", "qualtrics.com", "jotform.com", "formstack.com", "zohopublic.com",
];
/** Platforms where an organization owns the subdomain named after it (facebook.github.io). */
export const ORG_PAGES: readonly string[] = ["github.io", "gitlab.io", "codeberg.page", "readthedocs.io", "gitbook.io"];
/** `blogspot.<cc>` and similar country variants. */
export const FREE_HOSTING_PREFIX_LABELS: readonly string[] = ["blogspot"];

export const SHORTENERS: readonly string[] = [
  "bit.ly", "tinyurl.com", "t.co", "is.gd", "v.gd", "short.gy", "rebrand.ly", "cutt.ly", "ow.ly", "goo.gl", "s.id", "rb.gy",
  "shorturl.at", "tiny.cc", "bl.ink", "t.ly", "shorte.st", "adf.ly", "buff.ly", "qrco.de", "surl.li", "u.to", "clck.ru", "tiny.one",
  "lnkd.in", "urlz.fr", "shorturl.asia", "x.gd", "tr.ee", "linktr.ee", "did.li", "bitly.ws", "t.me",
];

/** Former free registries: almost entirely abuse. */
export const FREE_TLDS: ReadonlySet<string> = new Set(["tk", "ml", "ga", "cf", "gq"]);
/** TLDs where most registrations are abusive (Spamhaus / Interisle "most abused TLD" reports). */
export const ABUSED_TLDS: ReadonlySet<string> = new Set([
  "top", "xyz", "icu", "buzz", "cfd", "sbs", "cyou", "monster", "quest", "xin", "win", "loan", "rest", "bond", "click", "gdn", "men",
  "kim", "country", "zip", "mov", "lol", "pw", "cc", "su", "bar", "cam", "bid", "stream", "download", "racing", "review", "party",
  "date", "faith", "accountant", "cricket", "science", "trade", "webcam", "work", "shop", "club", "live", "site", "online", "vip",
  "life", "fun", "world", "beauty", "hair", "skin", "makeup", "autos", "boats", "homes", "mom", "casa", "sbs", "gay",
]);
/** gTLDs with a high abuse share, cheap bulk registrations. */
export const RISKY_TLDS: ReadonlySet<string> = new Set([
  "today", "store", "best", "host", "website", "space", "uno", "motorcycles", "yachts", "tokyo", "ltd", "digital", "email", "link",
  "cloud", "help", "pics", "wang", "ren", "ink", "asia", "biz", "support", "ws", "info",
]);
/** Country TLDs with a high phishing share (weak signal: legitimate sites use them too). */
export const RISKY_CCTLDS: ReadonlySet<string> = new Set(["cn", "ru", "ir", "pk", "id", "ke", "gy", "md", "am", "kg", "ci", "cm", "ly", "ng", "sa", "vn", "ug", "by", "ua", "th", "ph", "bd", "np"]);

/** Second-level labels that form a public suffix under a country TLD (co.uk, com.br...). */
export const SECOND_LEVEL_SUFFIXES: ReadonlySet<string> = new Set([
  "co", "com", "net", "org", "gov", "edu", "ac", "or", "ne", "go", "gob", "mil", "nic", "ltd", "plc", "sch", "info", "biz", "nom", "gen", "web", "in", "ind", "res", "lg", "gr", "ed",
]);

/**
 * Brands commonly impersonated, with the registrable names (label before the public suffix) they
 * own. A brand token in a host whose registrable name is not one of these is impersonation.
 */
export const BRANDS: Readonly<Record<string, readonly string[]>> = {
  paypal: ["paypal", "paypalobjects", "paypal-community"],
  iphone: ["apple"],
  apple: ["apple", "icloud", "apple-cloudkit", "cdn-apple", "mzstatic"],
  appleid: ["apple"],
  icloud: ["icloud", "apple"],
  itunes: ["apple", "itunes"],
  amazon: ["amazon", "amazonaws", "media-amazon", "amazontrust", "a2z", "amazon-adsystem", "amazonpay", "amazonaws-china"],
  microsoft: ["microsoft", "microsoftonline", "windows", "live", "office", "msn", "azure", "azureedge", "visualstudio", "microsoftstore", "microsoft365", "sharepoint", "windowsupdate"],
  office365: ["office", "office365", "microsoft", "microsoftonline"],
  outlook: ["outlook", "office", "live", "microsoft"],
  onedrive: ["live", "microsoft", "onedrive", "sharepoint"],
  sharepoint: ["sharepoint", "microsoft"],
  netflix: ["netflix", "nflxext", "nflximg", "nflxvideo"],
  facebook: ["facebook", "fb", "fbcdn", "meta"],
  instagram: ["instagram", "cdninstagram"],
  whatsapp: ["whatsapp", "wa"],
  google: ["google", "googleapis", "googleusercontent", "gstatic", "googlesource", "withgoogle", "googleblog", "googlegroups", "googletagmanager"],
  gmail: ["google", "gmail"],
  youtube: ["youtube", "youtu", "ytimg", "google"],
  yahoo: ["yahoo", "yimg"],
  linkedin: ["linkedin", "licdn"],
  twitter: ["twitter", "twimg", "x"],
  dropbox: ["dropbox", "dropboxusercontent", "dropboxapi"],
  docusign: ["docusign"],
  adobe: ["adobe", "adobelogin", "typekit", "adobecc"],
  chase: ["chase", "jpmorgan", "jpmorganchase"],
  wellsfargo: ["wellsfargo", "wf"],
  bankofamerica: ["bankofamerica", "bofa"],
  citibank: ["citibank", "citi"],
  hsbc: ["hsbc"],
  barclays: ["barclays"],
  santander: ["santander"],
  amex: ["americanexpress", "amex"],
  americanexpress: ["americanexpress"],
  mastercard: ["mastercard"],
  visa: ["visa"],
  dhl: ["dhl"],
  fedex: ["fedex"],
  usps: ["usps"],
  royalmail: ["royalmail"],
  coinbase: ["coinbase"],
  binance: ["binance"],
  metamask: ["metamask"],
  ledger: ["ledger"],
  trezor: ["trezor"],
  kraken: ["kraken"],
  opensea: ["opensea"],
  steam: ["steampowered", "steamcommunity", "steamstatic"],
  steamcommunity: ["steamcommunity"],
  roblox: ["roblox", "rbxcdn"],
  discord: ["discord", "discordapp"],
  telegram: ["telegram", "t"],
  ebay: ["ebay", "ebaystatic"],
  walmart: ["walmart"],
  irs: ["irs"],
  hmrc: ["hmrc", "gov"],
  verizon: ["verizon"],
  tmobile: ["t-mobile", "tmobile"],
  spotify: ["spotify", "scdn"],
  okta: ["okta", "oktacdn"],
  bradesco: ["bradesco"],
  itau: ["itau"],
  nubank: ["nubank"],
  correios: ["correios"],
  mercadolibre: ["mercadolibre"],
  mercadopago: ["mercadopago"],
  allegro: ["allegro"],
  rakuten: ["rakuten"],
  aeon: ["aeon"],
  docomo: ["docomo"],
  smbc: ["smbc"],
  mufg: ["mufg"],
  bancolombia: ["bancolombia"],
  commbank: ["commbank"],
  westpac: ["westpac"],
  ameli: ["ameli"],
  laposte: ["laposte"],
  sparkasse: ["sparkasse"],
  postfinance: ["postfinance"],
  swisscom: ["swisscom"],
  binanceus: ["binance"],
  trustwallet: ["trustwallet"],
  phantom: ["phantom"],
  usbank: ["usbank"],
  desjardins: ["desjardins"],
  caixa: ["caixa", "caixabank"],
  hmrevenue: ["gov"],
  revolut: ["revolut"],
  booking: ["booking"],
  airbnb: ["airbnb"],
  zelle: ["zellepay", "zelle"],
  venmo: ["venmo"],
  cashapp: ["cash"],
  stripe: ["stripe"],
  github: ["github", "githubusercontent", "githubassets"],
};
/** Brands whose name is a common word or short: matched only as a whole host token. */
export const BRAND_TOKEN_ONLY: ReadonlySet<string> = new Set([
  "apple", "chase", "visa", "dhl", "irs", "ledger", "kraken", "steam", "aeon", "itau", "okta", "ameli", "amex", "hsbc", "usps", "ups",
  "smbc", "mufg", "ebay", "phantom", "zelle", "venmo", "stripe", "github", "google", "yahoo", "adobe", "webmail", "telegram", "discord",
]);

/** Credential/payment words in host names, typical of phishing. Matched as host tokens (or inside long labels for >= 6 chars). */
export const SENSITIVE_KEYWORDS: readonly string[] = [
  "login", "signin", "logon", "verify", "verification", "verif", "secure", "account", "accounts", "update", "confirm",
  "wallet", "banking", "recovery", "recover", "unlock", "suspend", "suspended", "billing", "payment", "invoice", "webscr",
  "authenticate", "authentication", "validation", "validate", "restore", "refund", "claim", "airdrop", "prize", "helpdesk",
  "password", "unblock", "appeal", "redelivery", "kyc", "giveaway", "webmail", "signon", "reactivate", "reactivation", "unusual",
];
/** Weaker words: counted only together with another keyword. */
export const WEAK_KEYWORDS: readonly string[] = [
  "support", "service", "services", "customer", "alert", "bonus", "reward", "rewards", "gift", "official", "online", "portal",
  "notice", "tracking", "delivery", "parcel", "package", "shipment", "customs", "toll", "penalty", "mfa", "sso", "connect", "sync",
  "dapp", "nft", "mint", "defi", "swap", "stake", "staking", "free", "winner", "cash", "loan", "credit", "bank", "pay", "card",
  "security", "auth", "reset", "center", "help", "team", "app", "id", "mail", "web", "info", "access", "member", "members",
];

/** Cloud metadata endpoints (SSRF targets). */
export const METADATA_HOSTS: ReadonlySet<string> = new Set(["169.254.169.254", "metadata.google.internal", "metadata", "100.100.100.200", "[fd00:ec2::254]", "169.254.170.2"]);

export const EXECUTABLE_EXTENSIONS: ReadonlySet<string> = new Set([
  "exe", "scr", "bat", "cmd", "ps1", "vbs", "vbe", "jse", "hta", "msi", "msix", "apk", "dmg", "jar", "lnk", "iso", "pif", "wsf", "elf", "appimage", "xll",
]);

/** Cyrillic/Greek/other letters that render like Latin ones → their Latin look-alike. */
export const CONFUSABLES: Readonly<Record<string, string>> = {
  "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x",
  "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ɡ": "g", "ո": "n", "ս": "u", "օ": "o",
  "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w",
  "ı": "i", "ł": "l", "ɑ": "a", "ɩ": "i", "ʀ": "r", "ᴄ": "c", "ᴏ": "o", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
};
