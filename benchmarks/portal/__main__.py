from benchmarks.portal.run import main

raise SystemExit(main())
