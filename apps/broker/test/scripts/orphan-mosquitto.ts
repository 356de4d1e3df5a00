// Starts a Mosquitto fixture, prints its pid and config dir, then waits to be killed.
import { startMosquitto } from '../../src/testing'

const broker = await startMosquitto()
const dir = broker.log().find((l) => l.startsWith('Config loaded from '))!.slice('Config loaded from '.length).replace(/\/mosquitto\.conf\.$/, '')
console.log(`pid ${broker.pid} dir ${dir}`)
setInterval(() => {}, 1000)
