// A user's TypeScript module on the installed `chatlane` package: `tsc --strict` checks it
// against the package's types, then Node runs the output as ESM (scripts/test-packages.sh).
import { ChatlaneError, Client, violations, type Message, type Receipt } from 'chatlane'

const client = new Client({ endpoint: process.env.CHATLANE_ENDPOINT })
const message: Message = {
  from: '8613900000000',
  to: '8613800000000',
  content: { messageType: 'text', text: 'Hello from TypeScript' },
}
const refused = violations({ ...message, from: '+86 139' })
if (refused.length === 0) throw new Error('a malformed sender was not refused')
try {
  const receipt: Receipt = await client.send(message)
  console.log(`ts      text      MessageId=${receipt.messageId}`)
} catch (error) {
  if (error instanceof ChatlaneError) console.error(`ts      failed    [${error.code}] ${error.message}`)
  process.exitCode = 1
}
