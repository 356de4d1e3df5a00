import '@angular/compiler'
import { NgModule, provideZonelessChangeDetection } from '@angular/core'
import { getTestBed } from '@angular/core/testing'
import { BrowserTestingModule, platformBrowserTesting } from '@angular/platform-browser/testing'

// Zoneless said explicitly: Angular 21's TestBed defaults to it, Angular 20's needs it asked for.
@NgModule({ providers: [provideZonelessChangeDetection()] })
class Zoneless {}

getTestBed().initTestEnvironment([BrowserTestingModule, Zoneless], platformBrowserTesting())
