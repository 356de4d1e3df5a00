// The app-owned worker file: one line, as the README tells apps to write it.
import '@tabmq/core/worker'
