from benchmarks.ports.run import main

raise SystemExit(main())
