from benchmarks.lg.run import main

raise SystemExit(main())
