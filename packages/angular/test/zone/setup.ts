// zone.js first, as an application that still uses it loads it (polyfills) before Angular.
import 'zone.js'
import '@angular/compiler'
