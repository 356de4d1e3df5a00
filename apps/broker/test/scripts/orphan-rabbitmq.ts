// Starts a RabbitMQ fixture, prints its process group and folder, then waits to be killed.
import { startRabbitMQ } from '../../src/testing'

const broker = await startRabbitMQ()
const banner = broker.log().find((l) => l.includes('home dir'))!
const dir = /home dir +: (\S+?)(?:\\n|\s)/.exec(banner)![1]
console.log(`pid ${broker.pid} dir ${dir}`)
setInterval(() => {}, 1000)
