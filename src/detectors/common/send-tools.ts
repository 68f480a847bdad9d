// Tools that pass what they are given to someone else, shared by the path detector (a key file
// as an attachment) and the secret detector (a key in the text).

/**
 * Tools that send what they are given to someone else: OpenClaw's `message` and `sessions_send`,
 * media generation (the prompt and reference files go to a provider), and by name anything that
 * sends, mails, posts, shares or uploads.
 */
const SEND_TOOL = /^(?:message|sessions_send|tts|image_generate|video_generate|music_generate)$|(?:^|[_.-])(?:send|sendmessage|reply|post|publish|share|upload|mail|email|sms|tweet)(?:$|[_.-])/i;
/** Web search tools: the query goes to a search provider (local searches such as memory_search do not). */
const WEB_QUERY_TOOL = /^(?:web|x)[_.-]?search$|(?:^|[_.-])(?:google|bing|brave|tavily|exa|perplexity|duckduckgo)(?:$|[_.-])/i;

/** Whether a tool sends its inputs (text and files) off the host. */
export function isSendTool(tool: string | undefined): boolean {
  return tool !== undefined && SEND_TOOL.test(tool);
}

/** Whether a tool sends its text to a web search provider. */
export function isWebQueryTool(tool: string | undefined): boolean {
  return tool !== undefined && WEB_QUERY_TOOL.test(tool);
}

