import { configure } from '@testing-library/react'

// Real brokers: the first connection of a run can take longer than Testing Library's 1 s default.
configure({ asyncUtilTimeout: 5000 })
