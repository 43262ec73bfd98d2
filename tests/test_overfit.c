/* A small network must be able to memorise a few hundred real MNIST images:
 * if forward, backward or the optimizer were subtly broken it could not. */
#include "check.h"
#include "evaluate.h"
#include "common.h"
#include "train.h"

int main(void)
{
    const char *dir = check_mnist_dir();
    dp_dataset train = {0};
    CHECK(dp_mnist_load(&train, dir, "train") == 0, "load: %s", dp_error());
    if (check_failures) return check_report("overfit");
    train.n = 300;   /* the first 300 images only */

    dp_arch arch;
    dp_arch_parse(&arch, "conv16k3 relu pool conv16k3 relu pool dense64 relu dense10");
    dp_net *net = dp_net_create(&arch);
    dp_net_init(net, 1);
    dp_train_cfg cfg = dp_train_defaults();
    cfg.epochs = 40, cfg.batch = 32, cfg.lr = 2e-3f, cfg.threads = 2, cfg.eval_each_epoch = 0;
    dp_exec *ex = dp_exec_create(net, 64, 2, 0);
    double before = dp_accuracy(ex, net, &train);
    dp_trainer *tr = dp_trainer_create(net, &cfg, NULL, &train, NULL);
    CHECK(tr && dp_trainer_run(tr, NULL, NULL, NULL) == 0, "training: %s", dp_error());
    double after = dp_accuracy(ex, net, &train);
    printf("accuracy on the 300 training images: %.2f%% before, %.2f%% after\n", 100 * before, 100 * after);
    CHECK(before < 0.5, "an untrained network already scores %.3f", before);
    CHECK(after >= 0.995, "memorised only %.3f of 300 images", after);
    dp_trainer_free(tr);
    dp_exec_free(ex);
    dp_net_free(net);
    dp_dataset_free(&train);
    return check_report("overfit");
}
